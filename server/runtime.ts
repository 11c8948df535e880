// Starts what the app needs: Postgres (embedded unless DATABASE_URL), the
// migrations and built-in data, the store (Redis unless REDIS_URL is empty),
// metrics. Used by main.ts, the CLI and the benchmarks; close() undoes it.
import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config/config.ts';
import type { Services } from './services.ts';
import { createDb } from './db/client.ts';
import { migrate } from './db/migrate.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.ts';
import { MemoryStore } from './store/memory-store.ts';
import { RedisStore } from './store/redis-store.ts';
import type { Store } from './store/store.ts';
import { createMetrics } from './ops/metrics.ts';
import { seedBuiltins } from './rbac/seed.ts';
import { bootstrapAdmin } from './accounts/admin-user.ts';
import { PasswordHasher } from './security/passwords.ts';

/**
 * A database server runs at most about two queries per core at once; more
 * connections only make them take turns (on 2 cores, searches and refreshes
 * ran faster with 4 than with 10). The embedded PostgreSQL shares this
 * machine's cores; another server's are unknown, so 10 (node-postgres' default).
 */
export function databasePoolSize(config: Pick<Config, 'databasePoolSize'>, embedded: boolean): number {
  return config.databasePoolSize ?? (embedded ? 2 * availableParallelism() : 10);
}

type Log = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;

export interface Runtime {
  services: Services;
  databaseUrl: string;
  close(): Promise<void>;
}

export async function startRuntime(config: Config, log: Log, opts: { migrate?: boolean } = {}): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir });
    databaseUrl = embedded.url;
    log.info({ data_dir: config.dataDir }, 'using embedded PostgreSQL (set DATABASE_URL to use your own)');
  }
  const db = createDb(databaseUrl, { poolSize: databasePoolSize(config, !!embedded) });
  let store: Store | undefined;
  try {
    if (opts.migrate !== false) {
      const hasher = new PasswordHasher(config.argon2);
      const applied = await migrate(databaseUrl, {
        afterMigrate: async () => {
          await seedBuiltins(db);
          const admin = await bootstrapAdmin(db, hasher, config.bootstrapAdmin);
          if (admin) log.info({ user_id: admin.id }, 'bootstrap admin created');
        },
      });
      if (applied.length) log.info({ migrations: applied }, 'migrations applied');
    }
    if (config.redisUrl) {
      const redis = new RedisStore(config.redisUrl, config.redisPrefix);
      store = redis;
      await redis.connect();
    } else {
      store = new MemoryStore();
      log.warn('using the in-process store: fine for one instance; set REDIS_URL to run several');
    }
  } catch (err) {
    await store?.close();
    await db.$disconnect();
    await embedded?.stop();
    throw err;
  }
  const services: Services = { config, db, store, metrics: createMetrics() };
  return {
    services,
    databaseUrl,
    async close() {
      await store.close();
      await db.$disconnect();
      await embedded?.stop();
    },
  };
}
