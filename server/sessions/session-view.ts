// The fields of a session that a person may see (their own list, the admin
// console): never a token, only where, how and when.
import { Type } from '@sinclair/typebox';

export const sessionFields = {
  client_id: Type.String(),
  client_name: Type.String(),
  amr: Type.Array(Type.String()),
  ip: Type.Union([Type.String(), Type.Null()]),
  user_agent: Type.Union([Type.String(), Type.Null()]),
  created_at: Type.String({ format: 'date-time' }),
  last_used_at: Type.String({ format: 'date-time' }),
  expires_at: Type.String({ format: 'date-time' }),
};
