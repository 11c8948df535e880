// POST /oauth/revoke (RFC 7009). A refresh token ends its whole family (the
// session); an access token is blocked by its jti until it would expire.
// Only tokens issued to the calling client are touched (§2.1), and the answer
// is 200 whatever the token was (§2.2), so nothing can be probed.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateClient } from './client-auth/authenticate-client.ts';
import { verifyAccessToken } from '../auth/verify-access-token.ts';
import { markAccessTokenRevoked } from '../sessions/revocation-markers.ts';
import { revokeSession } from '../sessions/session-service.ts';
import { sha256 } from '../security/crypto.ts';
import { TokenWithHintBody, OAuthErrorSchema } from './token/token-schemas.ts';
import type { FastifyInstance } from 'fastify';
import type { Client } from '../db/generated/client.ts';
import { rateLimits } from '../security/rate-limit.ts';

const looksLikeJwt = (t: string) => t.split('.').length === 3;

async function revokeRefreshToken(app: FastifyInstance, client: Client, token: string): Promise<boolean> {
  const row = await app.db.refreshToken.findUnique({ where: { tokenHash: sha256(token) }, select: { sessionId: true, session: { select: { clientId: true, userId: true } } } });
  if (!row || row.session.clientId !== client.id) return false;
  await revokeSession(app, row.sessionId, 'refresh_token.revoked', { id: row.session.userId });
  return true;
}

async function revokeAccessToken(app: FastifyInstance, client: Client, token: string): Promise<boolean> {
  const claims = await verifyAccessToken(app, token, { anyAudience: true });
  if (!claims || claims.client_id !== client.id) return false;
  await markAccessTokenRevoked(app, claims.jti, claims.exp);
  return true;
}

export const revokeRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/oauth/revoke', {
    config: { rateLimit: rateLimits.introspect },
    schema: {
      tags: ['oauth'], summary: 'Token revocation (RFC 7009)', consumes: ['application/x-www-form-urlencoded'],
      body: TokenWithHintBody,
      response: { 200: Type.Null(), 400: OAuthErrorSchema, 401: OAuthErrorSchema },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const { client } = await authenticateClient(request, request.body);
    const { token, token_type_hint: hint } = request.body;
    // §2.1: the hint only orders the lookups; an unknown hint is ignored
    const order = hint === 'refresh_token' || !looksLikeJwt(token) ? [revokeRefreshToken, revokeAccessToken] : [revokeAccessToken, revokeRefreshToken];
    for (const attempt of order) if (await attempt(request.server, client, token)) break;
    return reply.status(200).send(null);
  });
};
