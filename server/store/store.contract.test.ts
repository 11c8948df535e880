// One contract, two implementations: the in-process store must behave exactly
// like Redis (the real one, started by the test runner).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MemoryStore } from './memory-store.ts';
import { RedisStore } from './redis-store.ts';
import type { Store } from './store.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const implementations: Array<[string, () => Promise<Store>]> = [
  ['memory', async () => new MemoryStore()],
  ['redis', async () => {
    const s = new RedisStore(process.env.TEST_REDIS_URL!, `contract:${randomUUID()}:`);
    await s.connect();
    return s;
  }],
];

for (const [name, make] of implementations) {
  describe(`store contract: ${name}`, () => {
    let store: Store;
    before(async () => { store = await make(); });
    after(async () => { await store.close(); });

    it('gets what was set, and null for absent keys', async () => {
      assert.equal(await store.get('missing'), null);
      await store.set('a', 'one');
      assert.equal(await store.get('a'), 'one');
      await store.set('a', 'two');
      assert.equal(await store.get('a'), 'two');
    });

    it('expires keys after their TTL', async () => {
      await store.set('short', 'x', 60);
      assert.equal(await store.get('short'), 'x');
      const ttl = await store.ttl('short');
      assert.ok(ttl > 0 && ttl <= 60, `ttl ${ttl}`);
      await sleep(120);
      assert.equal(await store.get('short'), null);
      assert.equal(await store.ttl('short'), -2);
    });

    it('reports -1 TTL for keys without expiry', async () => {
      await store.set('forever', 'x');
      assert.equal(await store.ttl('forever'), -1);
    });

    it('getWithTtl reads one key and the TTL of another, absent or expired alike', async () => {
      assert.deepEqual(await store.getWithTtl('gwt:none', 'gwt:none-either'), { value: null, ttlMs: -2 });
      await store.set('gwt:value', '7');
      await store.set('gwt:forever', 'x');
      assert.deepEqual(await store.getWithTtl('gwt:value', 'gwt:forever'), { value: '7', ttlMs: -1 });
      await store.set('gwt:short', 'x', 60);
      const live = await store.getWithTtl('gwt:value', 'gwt:short');
      assert.equal(live.value, '7');
      assert.ok(live.ttlMs > 0 && live.ttlMs <= 60, `ttl ${live.ttlMs}`);
      await store.set('gwt:value', '8', 60);
      await sleep(120);
      assert.deepEqual(await store.getWithTtl('gwt:value', 'gwt:short'), { value: null, ttlMs: -2 });
    });

    it('setIfAbsent sets only once, and again after expiry', async () => {
      assert.equal(await store.setIfAbsent('nx', '1', 80), true);
      assert.equal(await store.setIfAbsent('nx', '2', 80), false);
      assert.equal(await store.get('nx'), '1');
      await sleep(150);
      assert.equal(await store.setIfAbsent('nx', '3', 1000), true);
      assert.equal(await store.get('nx'), '3');
    });

    it('setIfAbsent lets exactly one of many concurrent callers win', async () => {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.setIfAbsent('race', String(i), 5000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('take returns the value once and deletes it', async () => {
      await store.set('code', 'secret', 5000);
      const taken = await Promise.all([store.take('code'), store.take('code'), store.take('code')]);
      assert.deepEqual(taken.filter((v) => v !== null), ['secret']);
      assert.equal(await store.get('code'), null);
      assert.equal(await store.take('never'), null);
    });

    it('increments atomically, keeping the first TTL', async () => {
      const first = await store.increment('counter', 1000);
      assert.equal(first.value, 1);
      assert.ok(first.ttlMs > 900 && first.ttlMs <= 1000);
      await sleep(50);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.increment('counter', 1000)));
      assert.deepEqual(results.map((r) => r.value).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i + 2));
      const last = results.at(-1)!;
      assert.ok(last.ttlMs < 960, `ttl was reset: ${last.ttlMs}`);
    });

    it('restarts a counter after its window', async () => {
      await store.increment('window', 60);
      await store.increment('window', 60);
      await sleep(120);
      assert.equal((await store.increment('window', 60)).value, 1);
    });

    it('delete says whether the key existed', async () => {
      await store.set('d', 'x');
      assert.equal(await store.delete('d'), true);
      assert.equal(await store.delete('d'), false);
      assert.equal(await store.get('d'), null);
    });

    it('answers ping', async () => {
      await store.ping();
    });

    it('scans live keys by prefix, without the deployment prefix', async () => {
      await store.set('scan:a', '1');
      await store.set('scan:b', '2', 60_000);
      await store.set('scan:gone', '3', 30);
      await store.set('other:c', '4');
      await sleep(80);
      const found = new Map(await store.scan('scan:'));
      assert.deepEqual(Object.fromEntries(found), { 'scan:a': '1', 'scan:b': '2' });
      assert.deepEqual(await store.scan('scan:*'), [], 'glob characters in the prefix are literal');
    });

    it('delivers published messages to every subscriber of the channel, live from the start', async () => {
      const got: string[] = [];
      const other: string[] = [];
      const live = new Promise<boolean>((resolve) => store.subscribe('news', (m) => got.push(m), resolve));
      store.subscribe('sports', (m) => other.push(m), () => {});
      assert.equal(await live, true);
      await store.publish('news', 'one');
      await store.publish('news', 'two');
      for (let i = 0; i < 50 && got.length < 2; i++) await sleep(10);
      assert.deepEqual(got, ['one', 'two']);
      assert.deepEqual(other, []);
    });
  });
}

describe('redis store: a subscription across an outage', () => {
  it('reports the gap (live false) and, once Redis is back, live again and delivering', async () => {
    const { startRedisServer } = await import('../test/redis-server.ts');
    const server = await startRedisServer();
    const store = new RedisStore(server.url, 'sub-outage:', { commandTimeoutMs: 500 });
    await store.connect();
    const states: boolean[] = [];
    const got: string[] = [];
    const waitFor = async (what: () => boolean, label: string) => {
      for (let i = 0; i < 200 && !what(); i++) await sleep(50);
      assert.ok(what(), label);
    };
    try {
      store.subscribe('events', (m) => got.push(m), (live) => states.push(live));
      await waitFor(() => states.at(-1) === true, 'live after subscribing');
      await server.stop();
      await waitFor(() => states.at(-1) === false, 'not live while Redis is down');
      await server.restart();
      await waitFor(() => states.at(-1) === true, 'live again after Redis returned');
      await waitFor(() => { void store.publish('events', 'after').catch(() => {}); return got.includes('after'); }, 'delivers again');
    } finally {
      await store.close();
      await server.stop();
    }
  });
});

describe('redis store: outage', () => {
  it('fails fast with StoreUnavailable while Redis is down, and recovers by itself', async () => {
    const { startRedisServer } = await import('../test/redis-server.ts');
    const { StoreUnavailable } = await import('./store.ts');
    const server = await startRedisServer();
    const store = new RedisStore(server.url, 'outage:', { commandTimeoutMs: 500 });
    await store.connect();
    try {
      await store.set('k', 'v');
      await server.stop();
      const t0 = Date.now();
      await assert.rejects(store.get('k'), StoreUnavailable);
      assert.ok(Date.now() - t0 < 1500, 'a command during an outage must not hang');
      await server.restart();
      const deadline = Date.now() + 10_000;
      for (;;) {
        try {
          await store.ping();
          break;
        } catch (err) {
          if (Date.now() > deadline) throw err;
          await sleep(100);
        }
      }
      await store.set('k', 'again');
      assert.equal(await store.get('k'), 'again');
    } finally {
      await store.close();
      await server.stop();
    }
  });
});
