// The request-authentication layer: `app.authenticate` (a preHandler) turns a
// Bearer access token into `request.auth`, and requirePermission() guards a
// route by effective permissions. Revocation is checked on every request in
// the shared store, so a session ended on one instance is ended on all.
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Forbidden, InvalidToken } from '../http/errors.ts';
import { isRevoked, revokedInMemory } from '../sessions/revocation-markers.ts';
import { findClient } from '../clients/client-service.ts';
import { clientInMemory } from '../clients/client-cache.ts';
import { verifiedBefore, verifyAccessToken, type AccessClaims } from './verify-access-token.ts';

export interface AuthContext {
  userId: string | null;
  sessionId: string | null;
  clientId: string;
  scope: string[];
  roles: string[];
  permissions: string[];
  jti: string;
  exp: number;
  token: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** RFC 6750 §2.1 */
export function bearerToken(request: FastifyRequest): string | null {
  const h = request.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(h);
  return m ? m[1]! : null;
}

export async function authenticateRequest(request: FastifyRequest): Promise<AuthContext> {
  const token = bearerToken(request);
  if (!token) throw new InvalidToken('a Bearer access token is required');
  const app = request.server;
  const claims = await verifyAccessToken(app, token);
  if (!claims) throw new InvalidToken();
  const [revoked, client] = await Promise.all([isRevoked(app, claims.sid ?? null, claims.jti), findClient(app, claims.client_id)]);
  if (revoked || !client || client.disabledAt) throw new InvalidToken();
  return (request.auth = authContext(claims, token));
}

/**
 * The same acceptance from memory alone, without a promise: a token verified
 * before, the revocation copy live and saying no, the client row held and
 * enabled. Anything else (undefined) goes through authenticateRequest, which
 * fetches what is missing and gives every refusal.
 */
function authenticatedFromMemory(request: FastifyRequest): AuthContext | undefined {
  const token = bearerToken(request);
  if (!token) return undefined;
  const app = request.server;
  const claims = verifiedBefore(app, token);
  if (!claims) return undefined;
  const client = clientInMemory(app, claims.client_id);
  if (!client || client.disabledAt || revokedInMemory(app, claims.sid ?? null, claims.jti) !== false) return undefined;
  return (request.auth = authContext(claims, token));
}

function authContext(claims: AccessClaims, token: string): AuthContext {
  const isUser = claims.sub !== claims.client_id || !!claims.sid;
  return {
    userId: isUser ? claims.sub : null,
    sessionId: claims.sid ?? null,
    clientId: claims.client_id,
    scope: claims.scope ? claims.scope.split(' ') : [],
    roles: claims.roles ?? [],
    permissions: claims.permissions ?? [],
    jti: claims.jti,
    exp: claims.exp,
    token,
  };
}

/** preHandler: 403 `forbidden` unless the token carries every permission (authenticates first if needed) */
export function requirePermission(...perms: string[]): preHandlerAsyncHookHandler {
  return async function (request: FastifyRequest) {
    const auth = request.auth ?? authenticatedFromMemory(request) ?? (await authenticateRequest(request));
    const missing = perms.filter((p) => !auth.permissions.includes(p));
    if (missing.length) throw new Forbidden(`missing permission: ${missing.join(', ')}`);
  };
}

export const authPlugin = fp(async function authPlugin(app: FastifyInstance) {
  app.decorateRequest('auth', null);
  // a callback hook: a request whose token is known answers without a promise
  app.decorate('authenticate', function authenticate(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) {
    if (authenticatedFromMemory(request)) return done();
    authenticateRequest(request).then(() => done(), done);
  });
}, { name: 'latchkey-auth' });
