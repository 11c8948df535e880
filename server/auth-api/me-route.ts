// GET /auth/me: who the Bearer token acts for. Roles and permissions come from
// the token (computed once at issuance); the profile from accounts/user-profile.ts
// (in memory, dropped on every instance when it changes).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Forbidden, InvalidToken } from '../http/errors.ts';
import { errors } from './schemas.ts';
import { userProfile } from '../accounts/user-profile.ts';

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
    const user = await userProfile(request.server, auth.userId);
    if (!user || user.disabled) throw new InvalidToken();
    return { id: user.id, email: user.email, email_verified: user.email_verified, name: user.name, roles: auth.roles, permissions: auth.permissions, mfa_enabled: user.mfa_enabled };
  });
};
