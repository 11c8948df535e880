// Security headers. Pages (HTML) get helmet's set with a strict CSP: no inline
// scripts or styles, frame-ancestors none, HSTS when served over https,
// no-referrer, nosniff. JSON APIs get the set OWASP's REST Security Cheat Sheet
// names for APIs: a CSP that allows nothing and forbids framing, nosniff, and
// HSTS over https; helmet's other headers only mean something to documents.
// Both sets never change, so they are computed once and attached per route
// (an onRoute hook: no per-request decision). @fastify/helmet rebuilt them on
// every request, and each extra header costs about a microsecond to write.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { addRouteHook } from '../http/route-hooks.ts';
import helmet, { type HelmetOptions } from 'helmet';
import type { Config } from '../config/config.ts';

export function helmetOptions(config: Config): HelmetOptions {
  const https = config.issuer.startsWith('https:');
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  };
}

/** Runs helmet once against a recording response and returns the headers it set. */
export function computeSecurityHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | string[]) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  let error: unknown;
  helmet(options)({} as never, res as never, (err?: unknown) => void (error = err));
  if (error) throw error;
  return headers;
}

/** what a JSON API answer needs (OWASP REST Security Cheat Sheet, "Security headers") */
export function apiSecurityHeaders(config: Config): Record<string, string> {
  const headers: Record<string, string> = {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
  };
  if (config.issuer.startsWith('https:')) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return headers;
}

// JSON endpoints; everything else (pages, forms, the authorize and logout
// endpoints that render HTML, /docs, /public) is treated as a page
const API = /^\/(?:oauth\/(?:token|revoke|introspect|userinfo|jwks)$|auth\/|admin\/api\/|\.well-known\/|healthz$|readyz$|metrics$|openapi\.json$)/;

export function isApiRoute(route: Pick<RouteOptions, 'url' | 'config'>): boolean {
  return !(route.config as { browser?: boolean } | undefined)?.browser && API.test(route.url);
}

export interface SecurityHeaders {
  page: Record<string, string>;
  api: Record<string, string>;
}

function putHeaders(request: FastifyRequest, reply: FastifyReply, headers: Record<string, string>): void {
  reply.headers(headers);
  reply.header('x-request-id', request.id);
}

/** for answers outside any route (404): the set that fits what is sent */
export function applySecurityHeaders(request: FastifyRequest, reply: FastifyReply, html: boolean): void {
  const sets = request.server.securityHeaders;
  putHeaders(request, reply, html ? sets.page : sets.api);
}

function setHeaders(headers: Record<string, string>): onRequestHookHandler {
  return function securityHeaders(request, reply, done) {
    putHeaders(request, reply, headers);
    done();
  };
}

export const securityHeadersPlugin = fp(async function securityHeaders(app: FastifyInstance) {
  const sets: SecurityHeaders = { page: computeSecurityHeaders(helmetOptions(app.config)), api: apiSecurityHeaders(app.config) };
  app.decorate('securityHeaders', sets);
  const page = setHeaders(sets.page);
  const api = setHeaders(sets.api);
  app.addHook('onRoute', (route: RouteOptions) => {
    // first, so that even a refusal by a later hook (rate limit, auth) carries them
    addRouteHook(route, 'onRequest', isApiRoute(route) ? api : page, 'first');
  });
}, { name: 'latchkey-security-headers' });

declare module 'fastify' {
  interface FastifyInstance {
    securityHeaders: SecurityHeaders;
  }
}
