// Verifies a Latchkey access token: signature with a published key (the alg is
// pinned by the key, so `none` and HS256-with-the-public-key are refused),
// `typ: at+jwt` (RFC 9068 §4: an ID token is not an access token), `iss`, `exp`
// with a small leeway, and an `aud` meant for Latchkey itself (the issuer or the
// client the token was issued to). Verified tokens are cached by their hash
// until they expire; revocation is NOT cached (see authenticate.ts).
import { jwtVerify, type JWTPayload, type JWSHeaderParameters } from 'jose';
import type { FastifyInstance } from 'fastify';
import { keyRing } from '../keys/key-ring.ts';
import { sha256 } from '../security/crypto.ts';

export interface AccessClaims extends JWTPayload {
  sub: string;
  jti: string;
  exp: number;
  iat: number;
  client_id: string;
  sid?: string;
  scope?: string;
  roles?: string[];
  permissions?: string[];
}

const ALGS = ['ES256', 'EdDSA', 'RS256'];
const LEEWAY_S = 5;
const MAX_CACHED = 50_000;
/** longer is no token of ours: refused before it is hashed */
const MAX_TOKEN_CHARS = 8192;
const plausible = (token: string) => !!token && token.length <= MAX_TOKEN_CHARS;
const caches = new WeakMap<object, Map<string, AccessClaims>>();

function cacheOf(app: FastifyInstance) {
  let c = caches.get(app.db);
  if (!c) caches.set(app.db, (c = new Map()));
  return c;
}

type Audience = { anyAudience?: boolean };

/** claims of a token verified before: the claims, null when no longer valid, undefined when not verified yet */
export function verifiedBefore(app: FastifyInstance, token: string, opts: Audience = {}): AccessClaims | null | undefined {
  if (!plausible(token)) return null;
  return cachedClaims(app, sha256(token), opts);
}

/** the cache entry of a token's hash, by the same rules */
function cachedClaims(app: FastifyInstance, key: string, opts: Audience): AccessClaims | null | undefined {
  const cache = cacheOf(app);
  const hit = cache.get(key);
  if (!hit) return undefined;
  if (hit.exp + LEEWAY_S > Date.now() / 1000) return opts.anyAudience || audienceOk(app, hit) ? hit : null;
  cache.delete(key);
  return null;
}

/** claims of a valid token, or null (never throws for bad input) */
export async function verifyAccessToken(app: FastifyInstance, token: string, opts: Audience = {}): Promise<AccessClaims | null> {
  if (!plausible(token)) return null;
  const key = sha256(token);
  const before = cachedClaims(app, key, opts);
  if (before !== undefined) return before;
  const cache = cacheOf(app);
  let claims: AccessClaims;
  try {
    const ring = keyRing(app);
    const { payload } = await jwtVerify(token, async (header: JWSHeaderParameters) => {
      const k = await ring.verificationKey(header.kid, header.alg);
      if (!k) throw new Error('unknown key');
      return k;
    }, { issuer: app.config.issuer, typ: 'at+jwt', algorithms: ALGS, clockTolerance: LEEWAY_S, requiredClaims: ['sub', 'jti', 'exp', 'iat', 'client_id', 'aud'] });
    claims = payload as AccessClaims;
  } catch {
    return null;
  }
  if (typeof claims.client_id !== 'string' || typeof claims.jti !== 'string') return null;
  if (cache.size >= MAX_CACHED) {
    // drop the oldest entries; Map keeps insertion order
    let n = 0;
    for (const k of cache.keys()) { cache.delete(k); if (++n >= MAX_CACHED / 10) break; }
  }
  cache.set(key, claims);
  return opts.anyAudience || audienceOk(app, claims) ? claims : null;
}

/** RFC 9068 §4: a token for another resource server must not be accepted here */
function audienceOk(app: FastifyInstance, claims: AccessClaims): boolean {
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  return aud.includes(app.config.issuer) || aud.includes(claims.client_id);
}
