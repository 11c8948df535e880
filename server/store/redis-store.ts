// Redis store (ioredis). Commands fail fast while Redis is down instead of
// queueing (so dependent requests answer 503 at once), and the client keeps
// reconnecting in the background so Latchkey recovers without a restart.
import { Redis } from 'ioredis';
import { StoreUnavailable, type Store } from './store.ts';

// INCR, then set the expiry only when the key has none (created now), then PTTL.
const incrementScript = `
local v = redis.call('INCR', KEYS[1])
local t = redis.call('PTTL', KEYS[1])
if t < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); t = tonumber(ARGV[1]) end
return {v, t}`;

// GET and PTTL in one command (a nil GET is false in Lua and nil again in the reply)
const getWithTtlScript = `return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[2])}`;

type ScriptedRedis = Redis & {
  latchkeyIncrement(key: string, ttl: number): Promise<[number, number]>;
  latchkeyGetWithTtl(key: string, ttlKey: string): Promise<[string | null, number]>;
};

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly client: Redis;
  /** a second connection in subscriber mode, opened by the first subscribe() */
  private subscriber?: Redis;
  private readonly channels = new Map<string, { onMessage: (message: string) => void; onLive: (live: boolean) => void }>();

  constructor(url: string, private readonly prefix: string, opts: { commandTimeoutMs?: number } = {}) {
    this.client = new Redis(url, {
      keyPrefix: prefix,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: opts.commandTimeoutMs ?? 2000,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
      reconnectOnError: () => true,
      // no auto-pipelining: it builds a pipeline and waits a tick for every
      // command; hot requests send none since revocation is checked in memory
    });
    // connection errors surface through commands; without a listener ioredis prints them
    this.client.on('error', () => {});
    this.client.defineCommand('latchkeyIncrement', { numberOfKeys: 1, lua: incrementScript });
    this.client.defineCommand('latchkeyGetWithTtl', { numberOfKeys: 2, lua: getWithTtlScript });
  }

  /** Waits for the first connection (start-up fails fast if Redis is unreachable). */
  async connect(): Promise<void> {
    await this.client.connect();
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StoreUnavailable(err);
    }
  }

  get(key: string) {
    return this.run(() => this.client.get(key));
  }

  async set(key: string, value: string, ttlMs?: number) {
    await this.run(() => (ttlMs === undefined ? this.client.set(key, value) : this.client.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)))));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number) {
    const r = await this.run(() => this.client.set(key, value, 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX'));
    return r === 'OK';
  }

  take(key: string) {
    return this.run(() => this.client.getdel(key));
  }

  async increment(key: string, ttlMs: number) {
    const [value, ttl] = await this.run(() => (this.client as ScriptedRedis).latchkeyIncrement(key, Math.max(1, Math.ceil(ttlMs))));
    return { value: Number(value), ttlMs: Number(ttl) };
  }

  ttl(key: string) {
    return this.run(() => this.client.pttl(key));
  }

  async getWithTtl(key: string, ttlKey: string) {
    const [value, ttlMs] = await this.run(() => (this.client as ScriptedRedis).latchkeyGetWithTtl(key, ttlKey));
    return { value, ttlMs: Number(ttlMs) };
  }

  async delete(key: string) {
    return (await this.run(() => this.client.del(key))) > 0;
  }

  async ping() {
    await this.run(() => this.client.ping());
  }

  async scan(prefix: string) {
    // SCAN patterns are not prefixed by ioredis; MGET keys are
    const pattern = `${this.prefix}${prefix}`.replace(/[*?[\]\\]/g, '\\$&') + '*';
    const keys: string[] = [];
    await this.run(async () => {
      let cursor = '0';
      do {
        const [next, batch] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        for (const k of batch) keys.push(k.slice(this.prefix.length));
      } while (cursor !== '0');
    });
    const out: Array<[string, string]> = [];
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const values = await this.run(() => this.client.mget(batch));
      values.forEach((v, j) => v !== null && out.push([batch[j]!, v]));
    }
    return out;
  }

  async publish(channel: string, message: string) {
    // channels are not prefixed by ioredis either
    await this.run(() => this.client.publish(this.prefix + channel, message));
  }

  subscribe(channel: string, onMessage: (message: string) => void, onLive: (live: boolean) => void) {
    this.channels.set(this.prefix + channel, { onMessage, onLive });
    if (!this.subscriber) {
      const sub = (this.subscriber = this.client.duplicate({ keyPrefix: '', enableOfflineQueue: true, autoResubscribe: false, commandTimeout: undefined, lazyConnect: true }));
      sub.on('error', () => {});
      sub.on('message', (ch: string, message: string) => this.channels.get(ch)?.onMessage(message));
      // every drop may lose messages: subscribers rebuild their views when it is back
      sub.on('close', () => { for (const c of this.channels.values()) c.onLive(false); });
      sub.on('ready', () => void this.resubscribe(sub));
      sub.connect().catch(() => {});
    } else if (this.subscriber.status === 'ready') {
      void this.resubscribe(this.subscriber, [this.prefix + channel]);
    }
  }

  private async resubscribe(sub: Redis, channels = [...this.channels.keys()]) {
    try {
      await sub.subscribe(...channels);
      for (const ch of channels) this.channels.get(ch)?.onLive(true);
    } catch {
      // the connection dropped again: 'close' reported it and 'ready' retries
    }
  }

  async close() {
    this.channels.clear();
    this.subscriber?.disconnect();
    this.client.disconnect();
  }
}
