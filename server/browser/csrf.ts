// CSRF protection for every browser form, without JavaScript: a signed
// double-submit token (OWASP CSRF cheat sheet). A random secret lives in an
// HttpOnly cookie; forms carry HMAC(server key, secret) in a hidden `_csrf`
// field. A cross-site page can neither read the cookie nor compute the HMAC,
// and a planted cookie (subdomain tossing) is useless without the server key.
//
// Use:  const token = csrfField(request, reply)   → <input type="hidden" name="_csrf" value="...">
//       { preValidation: verifyCsrf }  (or preHandler, when the body schema lists `_csrf`)
import { createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { constantTimeEqual, deriveKey, randomToken } from '../security/crypto.ts';
import { Forbidden } from '../http/errors.ts';
import { cookieName, cookieOptions } from './cookies.ts';

const keys = new WeakMap<FastifyInstance, Buffer>();
const issued = new WeakMap<FastifyRequest, string>();
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** Add to a form body schema so schema validation keeps the field: `Type.Object({ ...csrfBody, ... })`. */
export const csrfBody = { _csrf: Type.Optional(Type.String({ maxLength: 200 })) };

function key(app: FastifyInstance): Buffer {
  let k = keys.get(app);
  if (!k) keys.set(app, (k = deriveKey(app.config.encryptionKey, 'csrf')));
  return k;
}

function tokenFor(app: FastifyInstance, secret: string): string {
  return createHmac('sha256', key(app)).update(secret).digest('base64url');
}

function cookieSecret(request: FastifyRequest): string | null {
  const raw = request.cookies[cookieName(request.server, 'lk_csrf')];
  return raw && SECRET.test(raw) ? raw : null;
}

/** The token for this browser's hidden `_csrf` inputs; sets the secret cookie on first use. */
export function csrfField(request: FastifyRequest, reply: FastifyReply): string {
  let secret = issued.get(request) ?? cookieSecret(request);
  if (!secret) {
    secret = randomToken();
    reply.setCookie(cookieName(request.server, 'lk_csrf'), secret, cookieOptions(request.server));
  }
  issued.set(request, secret);
  return tokenFor(request.server, secret);
}

function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  // absent, or "null" (sent when Referrer-Policy is no-referrer): the token decides
  if (!origin || origin === 'null') return true;
  return origin === new URL(request.server.config.issuer).origin;
}

/** Hook for POST forms: 403 (and nothing happens) without a valid token. */
export async function verifyCsrf(request: FastifyRequest): Promise<void> {
  const secret = cookieSecret(request);
  const sent = (request.body as { _csrf?: unknown } | undefined)?._csrf;
  const ok = sameOrigin(request) && secret !== null && typeof sent === 'string' && constantTimeEqual(tokenFor(request.server, secret), sent);
  if (!ok) {
    request.log.info({ event: 'csrf.refused' }, 'form refused: missing or wrong CSRF token');
    throw new Forbidden('This form has expired or did not come from this site. Go back, reload the page and try again.');
  }
}

/** A stable, non-secret fingerprint of this browser (hash of its CSRF secret), to bind stored flows to it. */
export function browserBinding(request: FastifyRequest, reply: FastifyReply): string {
  csrfField(request, reply);
  return createHmac('sha256', key(request.server)).update(`binding:${issued.get(request)}`).digest('base64url');
}
