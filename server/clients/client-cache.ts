// Client rows in memory: the token endpoint looks up its client on every call.
// A change on any instance drops the row on every instance (store/shared-cache.ts),
// so disabling a client or rotating its secret takes effect everywhere at once.
// Unknown ids are not remembered (SharedCache keeps no null): a client created
// by the CLI, which shares no store with the server, is found on its first use.
import type { FastifyInstance } from 'fastify';
import type { Client } from '../db/generated/client.ts';
import { sharedCache, type SharedCache } from '../store/shared-cache.ts';

const OPTIONS = { ttlMs: 60_000, max: 10_000 };

function cacheOf(app: FastifyInstance): SharedCache<Client> {
  return sharedCache<Client>(app.store, 'clients', OPTIONS);
}

/** the row if it is in memory (no promise on the token endpoint's hot path), else undefined */
export function clientInMemory(app: FastifyInstance, id: string): Client | undefined {
  return cacheOf(app).peek(id);
}

export function cachedClient(app: FastifyInstance, id: string): Promise<Client | null> {
  // control characters (a NUL from a Basic header) never name a client, and Postgres refuses NUL in text
  if (!id || id.length > 200 || /[\u0000-\u001f\u007f]/.test(id)) return Promise.resolve(null);
  return cacheOf(app).get(id, () => app.db.client.findUnique({ where: { id } }));
}

/** after an edit, rotation or deletion */
export function clientChanged(app: FastifyInstance, id: string): Promise<void> {
  return cacheOf(app).changed(id);
}
