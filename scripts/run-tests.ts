// Starts the real services the test suite needs (an embedded PostgreSQL cluster
// with a migrated template database, and a redis-server), runs every *.test.ts
// file with node's test runner, and stops the services again.
//   node --import tsx scripts/run-tests.ts [file-or-folder ...]
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { migrate } from '../server/db/migrate.ts';
import { createDb } from '../server/db/client.ts';
import { seedBuiltins } from '../server/rbac/seed.ts';
import { startRedisServer } from '../server/test/redis-server.ts';

async function findTests(target: string): Promise<string[]> {
  if (target.endsWith('.test.ts')) return [target];
  const entries = await readdir(target, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.test.ts') && !e.parentPath.includes('node_modules'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

const targets = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = (await Promise.all((targets.length ? targets : ['server', 'e2e']).map(findTests))).flat();

const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-test-'));
await chmod(dataDir, 0o755); // Postgres runs as the user `postgres` when we are root
const postgres = await startEmbeddedPostgres({ dataDir, database: 'latchkey_template' });
const redis = await startRedisServer();
let code = 1;
// Ctrl-C or a CI timeout: stop the services we started before leaving
let child: ReturnType<typeof spawn> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    child?.kill(signal);
    await redis.stop().catch(() => {});
    await postgres.stop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true }).catch(() => {});
    process.exit(130);
  });
}
try {
  const template = createDb(postgres.url, { poolSize: 2 });
  await migrate(postgres.url, { afterMigrate: () => seedBuiltins(template) });
  await template.$disconnect();

  const env = {
    ...process.env,
    NODE_ENV: 'test',
    TEST_ADMIN_DATABASE_URL: postgres.urlFor('postgres'),
    TEST_TEMPLATE_DATABASE: 'latchkey_template',
    TEST_EMBEDDED_DATA_DIR: dataDir,
    TEST_REDIS_URL: redis.url,
  };
  const concurrency = process.env.TEST_CONCURRENCY ?? '2';
  code = await new Promise<number>((resolve) => {
    child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], { env, stdio: 'inherit' });
    child!.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  await redis.stop();
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
}
process.exit(code);
