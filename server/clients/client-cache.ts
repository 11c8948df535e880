// A few seconds of in-memory client rows per app: the token endpoint looks up
// its client on every call. Edits on this instance drop the entry at once.
import type { FastifyInstance } from 'fastify';
import type { Client } from '../db/generated/client.ts';

const TTL_MS = 5_000;
const MAX = 10_000;

export class ClientCache {
  private readonly entries = new Map<string, { client: Client | null; at: number; pending?: Promise<Client | null> }>();

  constructor(private readonly app: FastifyInstance) {}

  async get(id: string): Promise<Client | null> {
    // control characters (a NUL from a Basic header) never name a client, and Postgres refuses NUL in text
    if (!id || id.length > 200 || /[\u0000-\u001f\u007f]/.test(id)) return null;
    const hit = this.entries.get(id);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.pending ?? hit.client;
    const pending = this.app.db.client.findUnique({ where: { id } });
    this.entries.set(id, { client: null, at: Date.now(), pending });
    try {
      const client = await pending;
      if (this.entries.size > MAX) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { client, at: Date.now() });
      return client;
    } catch (err) {
      this.entries.delete(id);
      throw err;
    }
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}

const caches = new WeakMap<object, ClientCache>();

/** one cache per set of services (the db object), whichever encapsulated instance asks */
export function clientCache(app: FastifyInstance): ClientCache {
  let c = caches.get(app.db);
  if (!c) caches.set(app.db, (c = new ClientCache(app)));
  return c;
}
