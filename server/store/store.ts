// The hot, short-lived state of Latchkey (rate-limit and lockout counters,
// revocation markers, authorization codes, MFA challenges, TOTP replay markers,
// caches). Two implementations pass one contract suite: Redis for real
// deployments and several instances, memory for a single embedded instance.
// TTLs are in milliseconds. Keys are given without the deployment prefix.
export interface Store {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** true when the key was absent and is now set (SET NX PX) */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** atomically reads and deletes: single-use values (codes, challenges) */
  take(key: string): Promise<string | null>;
  /** atomic increment; the TTL is set when the key is created and kept after */
  increment(key: string, ttlMs: number): Promise<{ value: number; ttlMs: number }>;
  /** remaining TTL in ms, -1 without expiry, -2 when absent */
  ttl(key: string): Promise<number>;
  /** get(key) and ttl(ttlKey) in one round trip */
  getWithTtl(key: string, ttlKey: string): Promise<{ value: string | null; ttlMs: number }>;
  /** true when the key existed */
  delete(key: string): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
  /** keys (without the prefix) and values of every live key that starts with `prefix` */
  scan(prefix: string): Promise<Array<[string, string]>>;
  /** tells every instance sharing the store (this one too); fails like a command when the store is down */
  publish(channel: string, message: string): Promise<void>;
  /**
   * Calls `onMessage` for every message published on `channel` while the
   * subscription is live. `onLive(true)` once it is established (and after each
   * reconnection), `onLive(false)` as soon as messages could be missed: a view
   * built from messages must be rebuilt (scan) after every gap.
   */
  subscribe(channel: string, onMessage: (message: string) => void, onLive: (live: boolean) => void): void;
}

/** A store error means the store is unreachable: requests that need it answer 503. */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${(cause as Error)?.message ?? cause}`, { cause });
    this.name = 'StoreUnavailable';
  }
}
