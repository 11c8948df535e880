// The signed-in user behind a Bearer token (account routes act for a person,
// never for a client_credentials token).
import type { FastifyRequest } from 'fastify';
import type { User } from '../db/generated/client.ts';
import { Forbidden, InvalidToken } from '../http/errors.ts';

export async function bearerUser(request: FastifyRequest): Promise<User> {
  const userId = request.auth?.userId;
  if (!userId) throw new Forbidden('this endpoint needs a token issued to a user');
  const user = await request.server.db.user.findUnique({ where: { id: userId } });
  if (!user || user.disabledAt) throw new InvalidToken();
  return user;
}
