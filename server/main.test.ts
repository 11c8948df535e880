// The server as an operator runs it: a real process, real signals, real ports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort, startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { createTestDatabase } from './test/fixture.ts';

interface Running {
  port: number;
  output: () => string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

async function startServer(env: Record<string, string>, args = ['--import', 'tsx', 'server/main.ts']): Promise<Running> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH!, NODE_ENV: 'test', LOG_LEVEL: 'info', PORT: String(port), ARGON2_MEMORY_KIB: '4096', ARGON2_ITERATIONS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    port,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

async function waitReady(s: Running, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    // our own "ready" line first: another test's server may have taken the port meanwhile
    const r = s.output().includes('Latchkey ready at') ? await fetch(`http://127.0.0.1:${s.port}/readyz`).catch(() => undefined) : undefined;
    if (r?.status === 200) return Date.now() - t0;
    const code = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('running'), 100))]);
    if (code !== 'running') throw new Error(`server exited (${code}):\n${s.output()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms:\n${s.output()}`);
  }
}

describe('server process', () => {
  it('refuses to start on a bad value with one line naming the variable', async () => {
    const s = await startServer({ PORT: 'abc' });
    assert.equal(await s.exited, 1);
    assert.match(s.output().trim(), /^latchkey: configuration error: PORT must be a whole number \(got "abc"\)$/);
  });

  it('refuses to start in production without an encryption key', async () => {
    const s = await startServer({ NODE_ENV: 'production', ISSUER: 'https://id.example.com' });
    assert.equal(await s.exited, 1);
    assert.match(s.output(), /ENCRYPTION_KEY is required in production/);
  });

  it('runs on external Postgres and Redis and exits 0 on SIGTERM', async () => {
    const s = await startServer({
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_PREFIX: `main-test:${Date.now()}:`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const ms = await waitReady(s);
    assert.ok(ms < 30_000);
    assert.equal(await s.stop('SIGTERM'), 0);
    assert.match(s.output(), /"msg":"stopped"/);
  });

  it('runs from the bundle that `npm start` builds', async () => {
    const build = spawn(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    assert.equal(await new Promise((r) => build.on('exit', r)), 0);
    const s = await startServer({
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_PREFIX: `main-bundle:${Date.now()}:`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    }, ['dist/main.mjs']);
    await waitReady(s);
    // views, static files and migrations resolve from the bundle's folder too
    const page = await fetch(`http://127.0.0.1:${s.port}/login`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form/);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/public/style.css`)).status, 200);
    assert.equal(await s.stop('SIGTERM'), 0);
  });

  it('stops cleanly on a SIGTERM that arrives while it is still starting', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-main-'));
    await chmod(dataDir, 0o755);
    const s = await startServer({ DATA_DIR: dataDir });
    // the embedded Postgres is up and migrations are about to run
    while (!s.output().includes('using embedded PostgreSQL')) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await s.stop('SIGTERM'), 0);
    assert.doesNotMatch(s.output(), /Latchkey ready/);
    // the embedded Postgres it may have started is gone too: a new start on the same folder works
    const again = await startServer({ DATA_DIR: dataDir });
    await waitReady(again);
    assert.equal(await again.stop('SIGTERM'), 0);
  });

  it('with embedded defaults keeps its data across a restart', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-main-'));
    await chmod(dataDir, 0o755);
    const env = { DATA_DIR: dataDir, BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.com', BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery' };
    const first = await startServer(env);
    await waitReady(first);
    assert.equal(await first.stop('SIGINT'), 0);
    assert.match(first.output(), /bootstrap admin created/);

    const second = await startServer(env);
    await waitReady(second);
    // the running server's embedded Postgres is shared (as the CLI does)
    const db = await startEmbeddedPostgres({ dataDir });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT email FROM users');
    await client.end();
    assert.deepEqual(rows, [{ email: 'Root@example.com' }]);
    assert.doesNotMatch(second.output(), /bootstrap admin created|migrations applied/);
    assert.equal(await second.stop('SIGTERM'), 0);
  });
});
