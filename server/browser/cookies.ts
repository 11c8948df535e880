// Names and attributes of Latchkey's browser cookies. Behind https every cookie
// gets the `__Host-` prefix (RFC 6265bis §4.1.3.2: Secure, Path=/, no Domain),
// so a sibling subdomain cannot plant or overwrite it (cookie tossing).
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyInstance } from 'fastify';

export function isSecureIssuer(app: FastifyInstance): boolean {
  return app.config.issuer.startsWith('https:');
}

export function cookieName(app: FastifyInstance, base: string): string {
  return isSecureIssuer(app) ? `__Host-${base}` : base;
}

/** HttpOnly, SameSite=Lax (top-level GET navigations from clients keep the session; cross-site POSTs do not). */
export function cookieOptions(app: FastifyInstance, extra: CookieSerializeOptions = {}): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'lax', secure: isSecureIssuer(app), ...extra };
}
