// Rate limits (DESIGN §5, §6): @fastify/rate-limit counting in the shared Store
// (Redis in real deployments), so every instance behind a load balancer adds to
// the same counters. Routes opt in with one line:
//   app.post('/auth/login', { config: { rateLimit: rateLimits.login } }, handler)
// A limit is keyed by the client IP (request.ip honours TRUST_PROXY) and, for
// limits with `account`, ALSO by the canonical email in the body, whatever the
// IP: an attacker spreading over many addresses still hits the account bucket.
// The account key is counted for unknown emails exactly as for known ones, so
// it is no enumeration oracle.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { addRouteHook } from '../http/route-hooks.ts';
import rateLimitPlugin, { type RateLimitOptions } from '@fastify/rate-limit';
import type { RateLimitName } from '../config/config.ts';
import type { Store } from '../store/store.ts';
import { TooManyRequests } from '../http/errors.ts';
import { canonicalEmail } from '../accounts/email.ts';
import { sha256 } from './crypto.ts';

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

/**
 * Adapter for @fastify/rate-limit's `store` option (v11: `incr`, `read`, `child`).
 * Counters live under `rl:<bucket>:<key>` with the window as TTL (fixed window).
 */
export function storeAdapter(store: Store) {
  return class StoreRateLimitStore {
    constructor(
      _options: unknown,
      private readonly bucket = 'global',
    ) {}

    incr(key: string, cb: Callback, timeWindow: number): void {
      store.increment(`rl:${this.bucket}:${key}`, timeWindow).then(
        (r) => cb(null, { current: r.value, ttl: r.ttlMs > 0 ? r.ttlMs : timeWindow }),
        (err: Error) => cb(err),
      );
    }

    read(key: string, cb: Callback): void {
      const k = `rl:${this.bucket}:${key}`;
      store.getWithTtl(k, k).then(
        ({ value, ttlMs }) => cb(null, { current: Number(value ?? 0), ttl: Math.max(0, ttlMs) }),
        (err: Error) => cb(err),
      );
    }

    child(routeOptions: object): StoreRateLimitStore {
      // named limits share one bucket across routes (/auth/login and /login are one "login" budget)
      const o = routeOptions as { bucket?: string; routeInfo?: { method?: string; url?: string } };
      const bucket = o.bucket ?? `${o.routeInfo?.method ?? ''}${o.routeInfo?.url ?? ''}`;
      return new StoreRateLimitStore(routeOptions, bucket);
    }
  };
}

export interface LatchkeyRateLimit extends RateLimitOptions {
  /** counter namespace shared by every route using this limit */
  bucket: RateLimitName;
  /** also limit per account (canonical email from the body) with RATE_LIMIT_ACCOUNT */
  account?: boolean;
}

const limit = (bucket: RateLimitName, account = false): LatchkeyRateLimit => ({
  bucket,
  account,
  max: (request: FastifyRequest) => request.server.config.rateLimits[bucket].max,
  timeWindow: (request: FastifyRequest) => request.server.config.rateLimits[bucket].windowMs,
});

/** Attach with `config: { rateLimit: rateLimits.<name> }`. */
export const rateLimits = {
  login: limit('login', true),
  token: limit('token', true), // the password grant names an account (`username`)
  register: limit('register', true),
  passwordReset: limit('passwordReset', true),
  verification: limit('verification', true),
  mfa: limit('mfa'),
  introspect: limit('introspect'),
} satisfies Record<string, LatchkeyRateLimit>;

function tooMany(retryAfterSeconds: number): TooManyRequests {
  const s = Math.max(1, Math.ceil(retryAfterSeconds));
  return new TooManyRequests(`too many requests; try again in ${s} s`, {}, { 'retry-after': String(s) });
}

/** the account a request names, if any: `email`, or `username` (password grant, RFC 6749 §4.3.2) */
function accountOf(request: FastifyRequest): string | null {
  const body = request.body as Record<string, unknown> | null | undefined;
  if (!body || typeof body !== 'object') return null;
  const raw = typeof body.email === 'string' ? body.email : typeof body.username === 'string' ? body.username : null;
  if (!raw) return null;
  const canonical = canonicalEmail(raw.slice(0, 320));
  return canonical ? canonical : null;
}

function accountLimiter(bucket: RateLimitName) {
  return async function accountRateLimit(request: FastifyRequest, reply: FastifyReply) {
    const account = accountOf(request);
    if (!account) return;
    const { max, windowMs } = request.server.config.rateLimits.account;
    // hashed: Redis never holds an email address in a key name
    const { value, ttlMs } = await request.server.store.increment(`rl:acct:${bucket}:${sha256(account)}`, windowMs);
    if (value > max) {
      reply.header('retry-after', String(Math.ceil(Math.max(ttlMs, 1000) / 1000)));
      throw tooMany(ttlMs / 1000);
    }
  };
}

/** Registered once in app.ts, before the feature plugins (its onRoute hook must see their routes). */
export const rateLimitPluginLatchkey = fp(async function rateLimiting(app: FastifyInstance) {
  if (!app.config.rateLimitEnabled) return;
  await app.register(rateLimitPlugin, {
    global: false,
    store: storeAdapter(app.store),
    skipOnError: false, // store down → 503 from the error handler, not an unlimited endpoint
    errorResponseBuilder: (_request, context) => tooMany(context.ttl / 1000),
    addHeadersOnExceeding: { 'x-ratelimit-limit': true, 'x-ratelimit-remaining': true, 'x-ratelimit-reset': true },
  });
  app.addHook('onRoute', (route: RouteOptions) => {
    const cfg = route.config?.rateLimit as LatchkeyRateLimit | false | undefined;
    if (!cfg || !cfg.account) return;
    // first in line: refuse before any argon2 or database work
    addRouteHook(route, 'preHandler', accountLimiter(cfg.bucket), 'first');
  });
}, { name: 'latchkey-rate-limit' });
