// GET /auth/me: who the Bearer token acts for. Roles and permissions come from
// the token (computed once at issuance); the profile from accounts/user-profile.ts
// (in memory, dropped on every instance when it changes).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Forbidden, InvalidToken } from '../http/errors.ts';
import { errors } from './schemas.ts';
import { profileInMemory, userProfile, type UserProfile } from '../accounts/user-profile.ts';
import type { AuthContext } from '../auth/authenticate.ts';

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
  }, (request, reply) => {
    const auth = request.auth!;
    if (!auth.userId) throw new Forbidden('this token does not act for a user');
    // a profile held in memory answers without a promise
    const held = profileInMemory(request.server, auth.userId);
    if (held) {
      reply.send(me(held, auth));
      return;
    }
    return userProfile(request.server, auth.userId).then((user) => me(user, auth));
  });
};

function me(user: UserProfile | null, auth: AuthContext) {
  if (!user || user.disabled) throw new InvalidToken();
  return { id: user.id, email: user.email, email_verified: user.email_verified, name: user.name, roles: auth.roles, permissions: auth.permissions, mfa_enabled: user.mfa_enabled };
}
