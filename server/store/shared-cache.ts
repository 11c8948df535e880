// An in-process cache of rows that every instance may change (clients, user
// profiles), kept coherent across instances: a change publishes the key on a
// store channel and every instance drops its copy. Entries are trusted only
// while the subscription is live; after a gap (start-up, a store outage) the
// cache starts empty again, and while it is down every read goes to the loader.
// The TTL only bounds how long a lost message could matter. A load that finds
// nothing (null) is answered but not kept: a row created elsewhere (the CLI
// shares no store with the server) is found on its first use.
import type { Store } from './store.ts';

export class SharedCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  private readonly pending = new Map<string, Promise<V | null>>();
  private live = false;
  /** bumped by every change and gap: a load that started before one is not kept */
  private epoch = 0;

  constructor(private readonly store: Store, private readonly channel: string, private readonly opts: { ttlMs: number; max: number }) {
    store.subscribe(channel, (key) => this.drop(key), (live) => {
      this.entries.clear();
      this.epoch++;
      this.live = live;
    });
  }

  private drop(key: string): void {
    this.entries.delete(key);
    this.epoch++;
  }

  /** the cached value without waiting (hot paths skip a promise); undefined when it must be loaded */
  peek(key: string): V | undefined {
    const hit = this.entries.get(key);
    return hit && Date.now() - hit.at < this.opts.ttlMs ? hit.value : undefined;
  }

  get(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const hit = this.peek(key);
    if (hit !== undefined) return Promise.resolve(hit);
    return this.pending.get(key) ?? this.load(key, load);
  }

  private async load(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const epoch = this.epoch;
    const loading = load();
    this.pending.set(key, loading);
    try {
      const value = await loading;
      if (value !== null && this.live && epoch === this.epoch) {
        if (this.entries.size >= this.opts.max) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(key, { value, at: Date.now() });
      }
      return value;
    } finally {
      if (this.pending.get(key) === loading) this.pending.delete(key);
    }
  }

  /** after a change: this instance at once, the others when the message arrives */
  async changed(key: string): Promise<void> {
    this.drop(key);
    this.pending.delete(key);
    // the change itself is done; if the store is down, so are the other
    // instances' subscriptions, and their caches are empty until it is back
    await this.store.publish(this.channel, key).catch(() => {});
  }
}

const caches = new WeakMap<Store, Map<string, SharedCache<unknown>>>();

/** one cache per store and channel, whichever encapsulated instance asks */
export function sharedCache<V>(store: Store, channel: string, opts: { ttlMs: number; max: number }): SharedCache<V> {
  let byChannel = caches.get(store);
  if (!byChannel) caches.set(store, (byChannel = new Map()));
  let cache = byChannel.get(channel);
  if (!cache) byChannel.set(channel, (cache = new SharedCache<unknown>(store, channel, opts)));
  return cache as SharedCache<V>;
}
