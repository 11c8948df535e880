// The real services Latchkey runs against in the benchmarks: an embedded
// PostgreSQL (fresh cluster in a temp folder) and a local redis-server.
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { cpuMsOf } from './child.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../server/db/embedded-postgres.ts';
import { startRedisServer, type RedisServer } from '../../server/test/redis-server.ts';

export interface BenchServices {
  dataDir: string;
  postgres: EmbeddedDatabase;
  redis: RedisServer;
  versions: { postgres: string; redis: string };
  /** CPU ms used so far by PostgreSQL (postmaster and its live backends) and redis-server */
  dbCpuMs(): number;
  sql<T extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<T>>;
  stop(): Promise<void>;
}

/** diagnosis: restart with pg_stat_statements (planning time tracked too) */
async function withStatementStats(dataDir: string, first: EmbeddedDatabase): Promise<EmbeddedDatabase> {
  const admin = new pg.Client({ connectionString: first.url });
  await admin.connect();
  await admin.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
  await admin.query("ALTER SYSTEM SET pg_stat_statements.track_planning = 'on'");
  await admin.end();
  await first.stop();
  const again = await startEmbeddedPostgres({ dataDir, database: 'latchkey_bench' });
  const c = new pg.Client({ connectionString: again.url });
  await c.connect();
  await c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await c.end();
  return again;
}

/** diagnosis: the statements that cost Postgres the most since the last call (then reset) */
export async function topStatements(services: BenchServices, requests: number, top = 6): Promise<string> {
  const rows = (
    await services.sql<{ calls: string; exec: number; plan: number; query: string }>(
      `SELECT calls, total_exec_time AS exec, total_plan_time AS plan, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'
        ORDER BY total_exec_time + total_plan_time DESC LIMIT $1`,
      [top],
    )
  ).rows;
  await services.sql('SELECT pg_stat_statements_reset()');
  const redis = new Redis(services.redis.url, { lazyConnect: true });
  await redis.connect();
  const stats = await redis.info('commandstats');
  await redis.config('RESETSTAT');
  redis.disconnect();
  const commands = [...stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)]
    .map(([, name, calls]) => `${name} ${(Number(calls) / Math.max(1, requests)).toFixed(2)}`)
    .join(', ');
  return `    Redis commands/req: ${commands}\n` + rows
    .map((r) => `    ${(Number(r.calls) / Math.max(1, requests)).toFixed(2)} calls/req, exec ${(r.exec / Number(r.calls)).toFixed(3)} ms + plan ${(r.plan / Number(r.calls)).toFixed(3)} ms per call: ${r.query.slice(0, 300)}`)
    .join('\n');
}

export async function startServices(): Promise<BenchServices> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-bench-'));
  // Postgres runs as the `postgres` user when we are root: it must reach the folder
  await chmod(dataDir, 0o755);
  let postgres = await startEmbeddedPostgres({ dataDir, database: 'latchkey_bench' });
  if (process.env.BENCH_PG_STATEMENTS === '1') postgres = await withStatementStats(dataDir, postgres);
  const redis = await startRedisServer();
  const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
  const sql: BenchServices['sql'] = (text, values) => pool.query(text, values);
  const pgVersion = (await sql<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  const redisVersion = /v=(\S+)/.exec(execFileSync('redis-server', ['--version']).toString())?.[1] ?? '?';
  const postmaster = Number(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const redisClient = new Redis(redis.url, { lazyConnect: true });
  await redisClient.connect();
  const redisPid = Number(/process_id:(\d+)/.exec(await redisClient.info('server'))?.[1]);
  redisClient.disconnect();
  // backends come and go: keep the last CPU time seen for each, so the sum never goes down
  const seen = new Map<number, number>();
  const dbCpuMs = () => {
    for (const pid of [postmaster, redisPid]) seen.set(pid, Math.max(seen.get(pid) ?? 0, cpuMsOf(pid)));
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === postmaster) seen.set(Number(entry), Math.max(seen.get(Number(entry)) ?? 0, cpuMsOf(Number(entry))));
      } catch {
        // the process ended meanwhile
      }
    }
    let ms = 0;
    for (const v of seen.values()) ms += v;
    return ms;
  };
  return {
    dbCpuMs,
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
