// Store entries that make access tokens die at once on every instance. Access
// tokens are self-contained JWTs, so ending a session must also be written
// where every instance looks on each request; the entry only has to outlive
// the longest access token that could still carry the sid/jti.
import type { FastifyInstance } from 'fastify';

const LEEWAY_MS = 60_000; // covers the verifier's clock tolerance

export const sessionMarker = (sid: string) => `revoked:sid:${sid}`;
export const jtiMarker = (jti: string) => `revoked:jti:${jti}`;

export async function markSessionRevoked(app: FastifyInstance, sid: string): Promise<void> {
  await app.store.set(sessionMarker(sid), '1', app.config.accessTokenTtl * 1000 + LEEWAY_MS);
}

/** RFC 7009 for one access token: until it would expire anyway */
export async function markAccessTokenRevoked(app: FastifyInstance, jti: string, exp: number): Promise<void> {
  const ttl = exp * 1000 - Date.now() + LEEWAY_MS;
  if (ttl > 0) await app.store.set(jtiMarker(jti), '1', ttl);
}

/** one round trip per marker, in parallel: both are needed on every authenticated request */
export async function isRevoked(app: FastifyInstance, sid: string | null, jti: string): Promise<boolean> {
  const [s, j] = await Promise.all([sid ? app.store.get(sessionMarker(sid)) : null, app.store.get(jtiMarker(jti))]);
  return s !== null || j !== null;
}
