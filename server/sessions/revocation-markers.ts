// Store entries that make access tokens die at once on every instance. Access
// tokens are self-contained JWTs, so ending a session must also be written
// where every instance looks on each request; the entry only has to outlive
// the longest access token that could still carry the sid/jti.
//
// Looking in the store costs a round trip on every authenticated request, so
// each instance keeps the markers in memory as well: every marker is also
// published, each instance subscribes, and after every gap in its subscription
// (start-up, a Redis outage) it reads all markers back (scan) before it trusts
// its copy again. Until then it asks the store, as it would without the copy.
import type { FastifyInstance } from 'fastify';
import type { Store } from '../store/store.ts';

const LEEWAY_MS = 60_000; // covers the verifier's clock tolerance
const PREFIX = 'revoked:';
const CHANNEL = 'revocations';

const sessionMarker = (sid: string) => `${PREFIX}sid:${sid}`;
const jtiMarker = (jti: string) => `${PREFIX}jti:${jti}`;

class RevocationView {
  /** marker → when it expires (ms since epoch) */
  private readonly markers = new Map<string, number>();
  private live = false;
  private generation = 0;

  constructor(private readonly store: Store) {
    store.subscribe(CHANNEL, (message) => this.receive(message), (live) => void this.onLive(live));
    const sweeper = setInterval(() => this.sweep(), 60_000);
    sweeper.unref();
  }

  remember(key: string, expiresAt: number): void {
    this.markers.set(key, expiresAt);
  }

  private receive(message: string): void {
    const space = message.lastIndexOf(' ');
    const expiresAt = Number(message.slice(space + 1));
    if (space > 0 && Number.isFinite(expiresAt)) this.remember(message.slice(0, space), expiresAt);
  }

  private async onLive(live: boolean): Promise<void> {
    const generation = ++this.generation;
    this.live = false;
    if (!live) return;
    try {
      const markers = await this.store.scan(PREFIX);
      // markers published meanwhile were received already; the scan adds the rest
      for (const [key, value] of markers) this.markers.set(key, Number(value) || Date.now() + LEEWAY_MS);
      if (generation === this.generation) this.live = true;
    } catch {
      // the store went away again: the next onLive(true) rebuilds
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, expiresAt] of this.markers) if (expiresAt <= now) this.markers.delete(key);
  }

  /** true or false from memory; null while the copy cannot be trusted */
  check(keys: string[]): boolean | null {
    if (!this.live) return null;
    const now = Date.now();
    return keys.some((k) => (this.markers.get(k) ?? 0) > now);
  }
}

const views = new WeakMap<Store, RevocationView>();

function viewOf(store: Store): RevocationView {
  let v = views.get(store);
  if (!v) views.set(store, (v = new RevocationView(store)));
  return v;
}

async function mark(app: FastifyInstance, key: string, ttlMs: number): Promise<void> {
  const expiresAt = Date.now() + ttlMs;
  await app.store.set(key, String(expiresAt), ttlMs);
  // this instance at once; the others when the message arrives (well under a millisecond on a LAN)
  viewOf(app.store).remember(key, expiresAt);
  await app.store.publish(CHANNEL, `${key} ${expiresAt}`);
}

export async function markSessionRevoked(app: FastifyInstance, sid: string): Promise<void> {
  await mark(app, sessionMarker(sid), app.config.accessTokenTtl * 1000 + LEEWAY_MS);
}

/** RFC 7009 for one access token: until it would expire anyway */
export async function markAccessTokenRevoked(app: FastifyInstance, jti: string, exp: number): Promise<void> {
  const ttl = exp * 1000 - Date.now() + LEEWAY_MS;
  if (ttl > 0) await mark(app, jtiMarker(jti), ttl);
}

/** from memory when the copy is live, else one store round trip per marker */
async function anyMarked(app: FastifyInstance, keys: string[]): Promise<boolean> {
  const known = viewOf(app.store).check(keys);
  if (known !== null) return known;
  const values = await Promise.all(keys.map((k) => app.store.get(k)));
  return values.some((v) => v !== null);
}

const markersOf = (sid: string | null, jti: string) => (sid ? [sessionMarker(sid), jtiMarker(jti)] : [jtiMarker(jti)]);

/** isRevoked() from this instance's copy alone: null while the copy cannot be trusted */
export function revokedInMemory(app: FastifyInstance, sid: string | null, jti: string): boolean | null {
  return viewOf(app.store).check(markersOf(sid, jti));
}

/** checked on every authenticated request: the token's session and the token itself */
export function isRevoked(app: FastifyInstance, sid: string | null, jti: string): Promise<boolean> {
  return anyMarked(app, markersOf(sid, jti));
}

/** a session ended on any instance (browser sessions, refresh) */
export function isSessionRevoked(app: FastifyInstance, sid: string): Promise<boolean> {
  return anyMarked(app, [sessionMarker(sid)]);
}
