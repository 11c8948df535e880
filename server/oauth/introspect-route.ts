// POST /oauth/introspect (RFC 7662). Callers authenticate as confidential
// clients (§2.1). Access tokens are reported to any such client (resource
// servers introspect tokens issued to others); refresh tokens only to the
// client that holds them. Anything revoked, expired, unknown or not ours is
// just `{active: false}` (§2.2), with no reason given.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Client } from '../db/generated/client.ts';
import { authenticateClient } from './client-auth/authenticate-client.ts';
import { findClient } from '../clients/client-service.ts';
import { verifyAccessToken } from '../auth/verify-access-token.ts';
import { isRevoked } from '../sessions/revocation-markers.ts';
import { sha256 } from '../security/crypto.ts';
import { InvalidClient } from '../http/errors.ts';
import { TokenWithHintBody, OAuthErrorSchema } from './token/token-schemas.ts';
import { rateLimits } from '../security/rate-limit.ts';

const Introspection = Type.Object({
  active: Type.Boolean(),
  scope: Type.Optional(Type.String()),
  client_id: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
  token_type: Type.Optional(Type.String()),
  exp: Type.Optional(Type.Integer()),
  iat: Type.Optional(Type.Integer()),
  sub: Type.Optional(Type.String()),
  aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
  iss: Type.Optional(Type.String()),
  jti: Type.Optional(Type.String()),
  sid: Type.Optional(Type.String()),
});
type Answer = { active: boolean } & Record<string, unknown>;

async function introspectAccessToken(app: FastifyInstance, token: string): Promise<Answer | null> {
  const claims = await verifyAccessToken(app, token, { anyAudience: true });
  if (!claims) return null;
  if (await isRevoked(app, claims.sid ?? null, claims.jti)) return null;
  const client = await findClient(app, claims.client_id);
  if (!client || client.disabledAt) return null;
  return {
    active: true, token_type: 'Bearer', scope: claims.scope ?? '', client_id: claims.client_id, sub: claims.sub,
    aud: claims.aud as string | string[], iss: claims.iss, exp: claims.exp, iat: claims.iat, jti: claims.jti, ...(claims.sid ? { sid: claims.sid } : {}),
  };
}

async function introspectRefreshToken(app: FastifyInstance, caller: Client, token: string): Promise<Answer | null> {
  if (token.length > 200) return null;
  const row = await app.db.refreshToken.findUnique({ where: { tokenHash: sha256(token) }, include: { session: { include: { user: { select: { email: true, disabledAt: true } } } } } });
  const now = new Date();
  if (!row || row.rotatedAt || row.expiresAt <= now || row.session.revokedAt || row.session.expiresAt <= now || row.session.user.disabledAt) return null;
  if (row.session.clientId !== caller.id) return null;
  return {
    active: true, token_type: 'refresh_token', scope: row.scope, client_id: row.session.clientId, sub: row.session.userId, username: row.session.user.email,
    iss: app.config.issuer, exp: Math.floor(row.expiresAt.getTime() / 1000), iat: Math.floor(row.createdAt.getTime() / 1000), sid: row.sessionId,
  };
}

export const introspectRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/oauth/introspect', {
    config: { rateLimit: rateLimits.introspect },
    schema: {
      tags: ['oauth'], summary: 'Token introspection (RFC 7662)', consumes: ['application/x-www-form-urlencoded'],
      body: TokenWithHintBody,
      response: { 200: Introspection, 400: OAuthErrorSchema, 401: OAuthErrorSchema },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const { client, method } = await authenticateClient(request, request.body);
    if (method === 'none') throw new InvalidClient('introspection requires a confidential client', true);
    const { token } = request.body;
    const answer = token.split('.').length === 3
      ? await introspectAccessToken(request.server, token)
      : await introspectRefreshToken(request.server, client, token);
    return answer ?? { active: false };
  });
};
