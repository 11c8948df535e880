// GET|POST /oauth/userinfo (OIDC Core §5.3): claims about the user the Bearer
// token acts for, limited by its scopes (§5.4). Needs the `openid` scope.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { InsufficientScope, InvalidToken } from '../http/errors.ts';
import { OAuthErrorSchema } from './token/token-schemas.ts';

const UserInfo = Type.Object({
  sub: Type.String(),
  email: Type.Optional(Type.String()),
  email_verified: Type.Optional(Type.Boolean()),
  name: Type.Optional(Type.String()),
});

async function userInfo(request: FastifyRequest) {
  const auth = request.auth!;
  if (!auth.userId) throw new InvalidToken('this token does not act for a user');
  if (!auth.scope.includes('openid')) throw new InsufficientScope('the openid scope is required', {}, { 'www-authenticate': 'Bearer realm="latchkey", error="insufficient_scope", scope="openid"' });
  const user = await request.server.db.user.findUnique({ where: { id: auth.userId }, select: { id: true, email: true, name: true, emailVerifiedAt: true, disabledAt: true } });
  if (!user || user.disabledAt) throw new InvalidToken();
  return {
    sub: user.id,
    ...(auth.scope.includes('email') ? { email: user.email, email_verified: !!user.emailVerifiedAt } : {}),
    ...(auth.scope.includes('profile') && user.name ? { name: user.name } : {}),
  };
}

export const userinfoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const schema = { tags: ['oauth'], summary: 'OIDC UserInfo', security: [{ bearer: [] }], response: { 200: UserInfo, 401: OAuthErrorSchema, 403: OAuthErrorSchema } };
  app.get('/oauth/userinfo', { preHandler: app.authenticate, schema }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return userInfo(request);
  });
  app.post('/oauth/userinfo', { preHandler: app.authenticate, schema }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return userInfo(request);
  });
};
