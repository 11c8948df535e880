// The server as an operator runs it: a real process, real signals, real ports.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, waitReady } from './test/server-process.ts';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from './db/embedded-postgres.ts';
import { createTestDatabase, embeddedDataDir } from './test/fixture.ts';

// info level: these tests read the server's own lines (ready, stopped, bootstrap)
const start = (env: Record<string, string>, args?: string[], command?: string) => startServer({ LOG_LEVEL: 'info', ...env }, args, command);

describe('server process', () => {
  it('refuses to start on a bad value with one line naming the variable', async () => {
    const s = await start({ PORT: 'abc' });
    assert.equal(await s.exited, 1);
    assert.match(s.output().trim(), /^latchkey: configuration error: PORT must be a whole number \(got "abc"\)$/);
  });

  it('refuses to start in production without an encryption key', async () => {
    const s = await start({ NODE_ENV: 'production', ISSUER: 'https://id.example.com' });
    assert.equal(await s.exited, 1);
    assert.match(s.output(), /ENCRYPTION_KEY is required in production/);
  });

  it('runs on external Postgres and Redis and exits 0 on SIGTERM', async () => {
    const s = await start({
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

  it('runs from the bundle that `npm start` builds, the way `npm start` runs it', async () => {
    const build = spawn(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    assert.equal(await new Promise((r) => build.on('exit', r)), 0);
    const s = await start({
      DATABASE_URL: await createTestDatabase(),
      REDIS_URL: process.env.TEST_REDIS_URL!,
      REDIS_PREFIX: `main-bundle:${Date.now()}:`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    }, ['scripts/start.sh'], 'sh');
    await waitReady(s);
    // views, static files and migrations resolve from the bundle's folder too
    const page = await fetch(`http://127.0.0.1:${s.port}/login`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form/);
    assert.equal((await fetch(`http://127.0.0.1:${s.port}/public/style.css`)).status, 200);
    assert.equal(await s.stop('SIGTERM'), 0);
  });

  it('stops cleanly on a SIGTERM that arrives while it is still starting', async (t) => {
    const dataDir = await embeddedDataDir(t, 'main');
    const s = await start({ DATA_DIR: dataDir });
    // the embedded Postgres is up and migrations are about to run
    while (!s.output().includes('using embedded PostgreSQL')) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await s.stop('SIGTERM'), 0);
    assert.doesNotMatch(s.output(), /Latchkey ready/);
    // the embedded Postgres it may have started is gone too: a new start on the same folder works
    const again = await start({ DATA_DIR: dataDir });
    await waitReady(again);
    assert.equal(await again.stop('SIGTERM'), 0);
  });

  it('with embedded defaults keeps its data across a restart', async (t) => {
    const dataDir = await embeddedDataDir(t, 'main');
    const env = { DATA_DIR: dataDir, BOOTSTRAP_ADMIN_EMAIL: 'Root@Example.com', BOOTSTRAP_ADMIN_PASSWORD: 'correct horse battery' };
    const first = await start(env);
    await waitReady(first);
    assert.equal(await first.stop('SIGINT'), 0);
    assert.match(first.output(), /bootstrap admin created/);

    const second = await start(env);
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
