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

  it('holds at most `max` entries', async () => {
    const loads = [counting({ v: 3 }), counting({ v: 4 }), counting({ v: 5 })];
    for (const [i, load] of loads.entries()) await cache.get(`m${i}`, load);
    await cache.get('m0', loads[0]!);
    assert.equal(loads[0]!.calls, 2, 'the oldest entry was evicted');
  });
});
