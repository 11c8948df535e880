// Security headers (helmet's, with a strict CSP: no inline scripts or styles,
// frame-ancestors none, HSTS when served over https, no-referrer, nosniff).
// @fastify/helmet rebuilds helmet's middleware and re-serialises the CSP on
// every request (about a sixth of a JWKS request in the benchmarks); the
// headers never change, so they are computed once here and copied onto each
// reply. Routes may still adjust them later (browser/form-action.ts).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
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

export const securityHeadersPlugin = fp(async function securityHeaders(app: FastifyInstance) {
  const headers = computeSecurityHeaders(helmetOptions(app.config));
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}, { name: 'latchkey-security-headers' });
