// In-process store for a single instance (the embedded default). Same
// semantics as Redis: expired keys read as absent; a sweep bounds memory.
import type { Store } from './store.ts';

interface Entry {
  value: string;
  expiresAt: number; // ms since epoch, Infinity without expiry
}

export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  private readonly map = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly subscribers = new Map<string, Array<(message: string) => void>>();

  constructor(sweepEveryMs = 30_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  private live(key: string): Entry | undefined {
    const e = this.map.get(key);
    if (e && e.expiresAt <= Date.now()) {
      this.map.delete(key);
      return undefined;
    }
    return e;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [k, e] of this.map) if (e.expiresAt <= now) this.map.delete(k);
  }

  private static expiry(ttlMs?: number): number {
    return ttlMs === undefined ? Infinity : Date.now() + Math.max(1, ttlMs);
  }

  async get(key: string) {
    return this.live(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number) {
    this.map.set(key, { value, expiresAt: MemoryStore.expiry(ttlMs) });
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    if (this.live(key)) return false;
    this.map.set(key, { value, expiresAt: MemoryStore.expiry(ttlMs) });
    return true;
  }

  async take(key: string) {
    const e = this.live(key);
    this.map.delete(key);
    return e?.value ?? null;
  }

  async increment(key: string, ttlMs: number) {
    const e = this.live(key);
    if (!e) {
      this.map.set(key, { value: '1', expiresAt: MemoryStore.expiry(ttlMs) });
      return { value: 1, ttlMs };
    }
    const value = Number(e.value) + 1;
    if (!Number.isSafeInteger(value)) throw new Error('value is not an integer');
    e.value = String(value);
    return { value, ttlMs: e.expiresAt === Infinity ? -1 : e.expiresAt - Date.now() };
  }

  async ttl(key: string) {
    const e = this.live(key);
    if (!e) return -2;
    return e.expiresAt === Infinity ? -1 : e.expiresAt - Date.now();
  }

  async getWithTtl(key: string, ttlKey: string) {
    return { value: await this.get(key), ttlMs: await this.ttl(ttlKey) };
  }

  async delete(key: string) {
    return this.map.delete(key) && true;
  }

  async ping() {}

  async scan(prefix: string) {
    const out: Array<[string, string]> = [];
    for (const key of this.map.keys()) {
      const e = key.startsWith(prefix) ? this.live(key) : undefined;
      if (e) out.push([key, e.value]);
    }
    return out;
  }

  async publish(channel: string, message: string) {
    for (const handler of this.subscribers.get(channel) ?? []) handler(message);
  }

  // one process: the subscription is live from the start and never has gaps
  subscribe(channel: string, onMessage: (message: string) => void, onLive: (live: boolean) => void) {
    this.subscribers.set(channel, [...(this.subscribers.get(channel) ?? []), onMessage]);
    onLive(true);
  }

  async close() {
    clearInterval(this.sweeper);
    this.map.clear();
    this.subscribers.clear();
  }
}
