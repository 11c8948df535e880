// POST /auth/login and POST /auth/refresh: the first-party JSON API over the
// built-in `latchkey` client (same rules as the password and refresh grants).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findClient, FIRST_PARTY_CLIENT_ID } from '../clients/client-service.ts';
import { signInWithPassword } from '../auth/sign-in.ts';
import { rotateRefreshToken } from '../oauth/tokens/rotate-refresh-token.ts';
import { InvalidRequest, ServiceUnavailable } from '../http/errors.ts';
import { unauthorizedOnInvalidGrant } from './as-unauthorized.ts';
import { TokenPair, errors } from './schemas.ts';
import { rateLimits } from '../security/rate-limit.ts';

async function firstPartyClient(app: Parameters<typeof findClient>[0]) {
  const client = await findClient(app, FIRST_PARTY_CLIENT_ID);
  if (!client) throw new ServiceUnavailable('the built-in client is missing; restart the server');
  return client;
}

export const loginRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/auth/login', {
    config: { rateLimit: rateLimits.login },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email (or username) and password',
      body: Type.Object({
        email: Type.Optional(Type.String({ maxLength: 320 })),
        username: Type.Optional(Type.String({ maxLength: 320 })),
        password: Type.String({ maxLength: 1024 }),
      }),
      response: { 200: TokenPair, ...errors },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const email = request.body.email ?? request.body.username;
    if (!email) throw new InvalidRequest('email is required', { details: [{ field: 'body.email', message: 'is required' }] });
    const client = await firstPartyClient(request.server);
    return unauthorizedOnInvalidGrant(signInWithPassword(request, { client, email, password: request.body.password }));
  });

  app.post('/auth/refresh', {
    config: { rateLimit: rateLimits.token },
    schema: {
      tags: ['auth'],
      summary: 'Exchange a refresh token for a new pair (rotation)',
      body: Type.Object({ refresh_token: Type.String({ maxLength: 512 }) }),
      response: { 200: TokenPair, ...errors },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const client = await firstPartyClient(request.server);
    return unauthorizedOnInvalidGrant(rotateRefreshToken(request, { client, refreshToken: request.body.refresh_token }));
  });
};
