// POST /oauth/token (RFC 6749 §3.2), read as its steps: no caching, client
// authentication, the grant allowed for this client, then the grant module.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authenticateClient } from '../client-auth/authenticate-client.ts';
import { clientMayUse, findGrant, grants } from '../grants/index.ts';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../../http/errors.ts';
import { TokenResponseSchema, OAuthErrorSchema } from './token-schemas.ts';
import { rateLimits } from '../../security/rate-limit.ts';

const BASE_PARAMS = ['grant_type', 'client_id', 'client_secret', 'scope', 'resource', 'mfa_token', 'otp', 'recovery_code'];

export const tokenRoute: FastifyPluginAsyncTypebox = async (app) => {
  const names = [...new Set([...BASE_PARAMS, ...grants.flatMap((g) => g.params ?? [])])];
  const body = Type.Object(Object.fromEntries(names.map((n) => [n, Type.Optional(Type.String({ maxLength: 4096 }))])), { additionalProperties: true });

  app.post('/oauth/token', {
    config: { rateLimit: rateLimits.token },
    schema: {
      tags: ['oauth'],
      summary: 'Token endpoint (RFC 6749 §3.2)',
      consumes: ['application/x-www-form-urlencoded'],
      body,
      response: { 200: TokenResponseSchema, 400: OAuthErrorSchema, 401: OAuthErrorSchema, 403: OAuthErrorSchema },
    },
  }, async (request, reply) => {
    // RFC 6749 §5.1: token responses must not be cached
    reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const params = request.body as Record<string, string | undefined>;
    const { client } = await authenticateClient(request, params);
    if (!params.grant_type) throw new InvalidRequest('grant_type is required');
    const grant = findGrant(params.grant_type);
    if (!grant) throw new UnsupportedGrantType(`grant_type ${params.grant_type} is not supported`);
    if (!clientMayUse(client, grant)) throw new UnauthorizedClient(`this client may not use the ${grant.type} grant`);
    return grant.handler({ app: request.server, request, client, params });
  });
};
