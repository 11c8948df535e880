// The real services Latchkey runs against in the benchmarks: an embedded
// PostgreSQL (fresh cluster in a temp folder) and a local redis-server.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded-postgres.ts';
import { startRedisServer, type RedisServer } from '../../server/test/redis-server.ts';

export interface BenchServices {
  dataDir: string;
  postgres: EmbeddedDatabase;
  redis: RedisServer;
  versions: { postgres: string; redis: string };
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<T>>;
  stop(): Promise<void>;
}

export async function startServices(): Promise<BenchServices> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-bench-'));
  // Postgres runs as the `postgres` user when we are root: it must reach the folder
  await chmod(dataDir, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir, database: 'latchkey_bench' });
  const redis = await startRedisServer();
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const sql: BenchServices['sql'] = (text, values) => pool.query(text, values);
  const pgVersion = (await sql<{ v: string }>('SHOW server_version')).rows[0]!.v;
  const redisVersion = /v=(\S+)/.exec(execFileSync('redis-server', ['--version']).toString())?.[1] ?? '?';
  return {
    dataDir,
    postgres,
    redis,
    versions: { postgres: pgVersion, redis: redisVersion },
    sql,
    async stop() {
      await pool.end().catch(() => {});
      await redis.stop().catch(() => {});
      await postgres.stop().catch(() => {});
      await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}
