import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from './memory-store.ts';
import { SharedCache } from './shared-cache.ts';

describe('SharedCache', () => {
  const store = new MemoryStore();
  after(() => store.close());
  const cache = new SharedCache<{ v: number }>(store, 'test-cache', { ttlMs: 60_000, max: 2 });
  const counting = (value: { v: number } | null) => {
    const loader = async () => { loader.calls++; return value; };
    loader.calls = 0;
    return loader;
  };

  it('keeps a loaded value, and drops it when changed', async () => {
    const load = counting({ v: 1 });
    assert.deepEqual(await cache.get('a', load), { v: 1 });
    assert.deepEqual(await cache.get('a', load), { v: 1 });
    assert.equal(load.calls, 1);
    await cache.changed('a');
    await cache.get('a', load);
    assert.equal(load.calls, 2);
  });

  it('answers null but does not keep it: a row created elsewhere is found on its next read', async () => {
    const missing = counting(null);
    assert.equal(await cache.get('b', missing), null);
    assert.equal(await cache.get('b', missing), null);
    assert.equal(missing.calls, 2);
    const created = counting({ v: 2 });
    assert.deepEqual(await cache.get('b', created), { v: 2 });
  });

  it('peek answers a kept value without waiting, and nothing once it changed or expired', async () => {
    assert.equal(cache.peek('p'), undefined, 'never loaded');
    await cache.get('p', counting({ v: 6 }));
    assert.deepEqual(cache.peek('p'), { v: 6 });
    await cache.changed('p');
    assert.equal(cache.peek('p'), undefined, 'changed');
    const shortLived = new SharedCache<{ v: number }>(store, 'test-cache-ttl', { ttlMs: 20, max: 2 });
    await shortLived.get('p', counting({ v: 7 }));
    assert.deepEqual(shortLived.peek('p'), { v: 7 });
    await new Promise((res) => setTimeout(res, 30));
    assert.equal(shortLived.peek('p'), undefined, 'expired');
  });

  it('holds at most `max` entries', async () => {
    const loads = [counting({ v: 3 }), counting({ v: 4 }), counting({ v: 5 })];
    for (const [i, load] of loads.entries()) await cache.get(`m${i}`, load);
    await cache.get('m0', loads[0]!);
    assert.equal(loads[0]!.calls, 2, 'the oldest entry was evicted');
  });
});
