// CORS (Fetch standard) for the endpoints a browser-based relying party calls
// directly: token, userinfo, revocation, introspection, JWKS and discovery.
// Only origins in CORS_ORIGINS are answered; every other route (pages, the
// first-party and admin APIs) never sends CORS headers, so a foreign page can
// never read them. No credentials mode: these endpoints take tokens in headers
// or bodies, never cookies.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import cors, { type FastifyCorsOptions } from '@fastify/cors';

export const CORS_PATHS = new Set([
  '/oauth/token',
  '/oauth/userinfo',
  '/oauth/revoke',
  '/oauth/introspect',
  '/oauth/jwks',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
]);

export function isCorsPath(url: string): boolean {
  const path = url.split('?')[0]!.replace(/(.)\/+$/, '$1');
  return CORS_PATHS.has(path);
}

export const corsPlugin = fp(async function corsAllowList(app: FastifyInstance) {
  const allowed = new Set(app.config.corsOrigins.map((o) => o.replace(/\/$/, '')));
  // no origin allowed: no CORS headers anywhere, and no per-request work for them
  if (allowed.size === 0) return;
  const base: FastifyCorsOptions = {
    methods: ['GET', 'POST'],
    allowedHeaders: ['Authorization', 'Content-Type', 'DPoP'],
    exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
    credentials: false,
    maxAge: 600,
    // a bad preflight gets our JSON 404 (no route for it) rather than a text/plain 400
    strictPreflight: false,
    hideOptionsRoute: true,
  };
  await app.register(cors, {
    delegator: (request: FastifyRequest, cb: (err: Error | null, opts: FastifyCorsOptions) => void) => {
      if (!isCorsPath(request.url)) return cb(null, { ...base, origin: false });
      cb(null, { ...base, origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin) ? origin : false) });
    },
  });
}, { name: 'latchkey-cors' });
