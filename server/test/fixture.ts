// Builds a Latchkey app on its own fresh database (cloned from the migrated
// template the test runner made) and its own Redis key prefix, so test files
// run in parallel against real Postgres and Redis. See scripts/run-tests.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext as NodeTestContext } from 'node:test';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config/config.ts';
import { createDb } from '../db/client.ts';
import { RedisStore } from '../store/redis-store.ts';
import { MemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/store.ts';
import { createMetrics } from '../ops/metrics.ts';
import type { Services } from '../services.ts';
import { buildApp } from '../app.ts';
import { startMailCatcher, type MailCatcher } from './mail-catcher.ts';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the tests with \`npm test\` (scripts/run-tests.ts starts Postgres and Redis)`);
  return v;
}

/** A fresh database cloned from the migrated, seeded template. */
export async function createTestDatabase(): Promise<string> {
  const name = `t_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: env('TEST_ADMIN_DATABASE_URL') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${env('TEST_TEMPLATE_DATABASE')}`);
  } finally {
    await admin.end();
  }
  const url = new URL(env('TEST_ADMIN_DATABASE_URL'));
  url.pathname = `/${name}`;
  return url.href;
}

export function testStore(): Store {
  if (process.env.TEST_STORE === 'memory') return new MemoryStore();
  return new RedisStore(env('TEST_REDIS_URL'), `test:${randomUUID()}:`);
}

export interface TestContext {
  app: FastifyInstance;
  services: Services;
  config: Config;
  close(): Promise<void>;
}

/** Config as production would read it, with test-sized argon2 parameters unless given. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    ISSUER: 'http://localhost:3000',
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_ITERATIONS: '1',
    LOG_LEVEL: 'silent',
    DATA_DIR: '/tmp/latchkey-test-data',
    // rate limits would trip suites that sign in many times from 127.0.0.1; their own tests turn them on
    RATE_LIMIT_ENABLED: 'false',
    ...overrides,
  });
}

export interface TestAppOptions {
  env?: Record<string, string>;
  store?: Store;
  /** pino-compatible logger (e.g. to capture log lines); silent by default */
  logger?: NonNullable<Parameters<typeof buildApp>[1]>['logger'];
  /** runs before app.ready(): add test-only routes or hooks */
  setup?: (app: FastifyInstance) => void | Promise<void>;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestContext> {
  const databaseUrl = await createTestDatabase();
  const config = testConfig({ DATABASE_URL: databaseUrl, ...opts.env });
  const store = opts.store ?? testStore();
  if (store instanceof RedisStore) await store.connect();
  const db = createDb(databaseUrl, { poolSize: 5 });
  const services: Services = { config, db, store, metrics: createMetrics() };
  const app = await buildApp(services, { logger: opts.logger ?? false });
  await opts.setup?.(app);
  await app.ready();
  return {
    app,
    services,
    config,
    async close() {
      await app.close();
      await store.close();
      await db.$disconnect();
    },
  };
}

/** A test app whose mail goes to a real SMTP server that catches it; close() stops both. */
export async function createMailTestApp(opts: TestAppOptions = {}): Promise<{ ctx: TestContext; mail: MailCatcher }> {
  const mail = await startMailCatcher();
  const ctx = await createTestApp({ ...opts, env: { SMTP_URL: mail.url, ...opts.env } });
  const close = ctx.close;
  ctx.close = async () => {
    await close();
    await mail.close();
  };
  return { ctx, mail };
}

/** a folder for one test's own embedded Postgres (tens of MB), removed when the test ends */
export async function embeddedDataDir(t: NodeTestContext, name: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `latchkey-${name}-`));
  await chmod(dir, 0o755); // Postgres runs as the user `postgres` when we are root
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
