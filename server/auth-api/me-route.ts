// GET /auth/me: who the Bearer token acts for. Roles and permissions come from
// the token (computed once at issuance); the profile is read fresh.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Forbidden, InvalidToken } from '../http/errors.ts';
import { errors } from './schemas.ts';

export const meRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/auth/me', {
    preHandler: app.authenticate,
    schema: {
      tags: ['auth'], summary: 'The signed-in user', security: [{ bearer: [] }],
      response: {
        200: Type.Object({
          id: Type.String(), email: Type.String(), email_verified: Type.Boolean(), name: Type.Union([Type.String(), Type.Null()]),
          roles: Type.Array(Type.String()), permissions: Type.Array(Type.String()), mfa_enabled: Type.Boolean(),
        }),
        ...errors,
      },
    },
  }, async (request) => {
    const auth = request.auth!;
    if (!auth.userId) throw new Forbidden('this token does not act for a user');
    // one plain query on the hot path (a Prisma include would be two)
    const [user] = await request.server.db.$queryRaw<Array<{ id: string; email: string; name: string | null; email_verified: boolean; disabled: boolean; mfa_enabled: boolean }>>`/* prepared:auth_me */
      SELECT u.id, u.email, u.name, u.email_verified_at IS NOT NULL AS email_verified, u.disabled_at IS NOT NULL AS disabled, m.enabled_at IS NOT NULL AS mfa_enabled
      FROM users u LEFT JOIN user_mfa m ON m.user_id = u.id WHERE u.id = ${auth.userId}::uuid`;
    if (!user || user.disabled) throw new InvalidToken();
    return { id: user.id, email: user.email, email_verified: user.email_verified, name: user.name, roles: auth.roles, permissions: auth.permissions, mfa_enabled: user.mfa_enabled };
  });
};
