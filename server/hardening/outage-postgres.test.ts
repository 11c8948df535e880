// Postgres outage under load (DESIGN §6) on a cluster of its own that the test
// stops and starts again: routes that need the database answer 503 quickly,
// nothing crashes, and the same app recovers by itself once Postgres is back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../db/embedded-postgres.ts';
import { migrate } from '../db/migrate.ts';
import { createDb } from '../db/client.ts';
import { seedBuiltins } from '../rbac/seed.ts';
import { embeddedDataDir, testConfig, testStore } from '../test/fixture.ts';
import { RedisStore } from '../store/redis-store.ts';
import { createMetrics } from '../ops/metrics.ts';
import { buildApp } from '../app.ts';
import { createUser, login } from '../test/oauth.ts';
import { runLoad, sleep, waitForStatus } from './load.ts';

const BOUND_MS = 3000; // pg pool: connectionTimeoutMillis 2 s

test('Postgres down under load: 503 fast, no crash, recovery without restart', async (tt) => {
  const dataDir = await embeddedDataDir(tt, 'pg-outage');
  const port = await freePort();
  let pg: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir, port, database: 'latchkey' });
  const db = createDb(pg.url, { poolSize: 5 });
  await migrate(pg.url, { afterMigrate: () => seedBuiltins(db) });
  const store = testStore();
  if (store instanceof RedisStore) await store.connect();
  const errors: string[] = [];
  const stream = new Writable({ write(chunk, _e, done) { const l = String(chunk); if (/"level":50/.test(l)) errors.push(l); done(); } });
  const app = await buildApp({ config: testConfig({ DATABASE_URL: pg.url, LOCKOUT_THRESHOLD: '1000' }), db, store, metrics: createMetrics() }, { logger: { level: 'error', stream } as never });
  await app.ready();
  try {
    const { email, password, user } = await createUser(app);
    const token = (await login(app, email, password)).access_token;
    const shot = (name: string, method: 'GET' | 'POST', url: string, payload?: object, headers?: Record<string, string>) => ({
      name,
      run: () => app.inject({ method, url, payload, headers }).then((r) => ({ status: r.statusCode })),
    });
    const load = runLoad([
      shot('login', 'POST', '/auth/login', { email, password }),
      shot('me', 'GET', '/auth/me', undefined, { authorization: `Bearer ${token}` }),
      shot('register', 'POST', '/auth/password/reset/request', { email }),
      shot('healthz', 'GET', '/healthz'),
    ]);
    await sleep(500);
    await pg.stop();
    const downAt = performance.now();
    await sleep(2000);

    const t0 = performance.now();
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
    const took = performance.now() - t0;
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error, 'temporarily_unavailable');
    assert.match(res.json().error_description, /database/);
    assert.ok(took < BOUND_MS, `503 after ${took} ms`);
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    const outage = performance.now() - downAt;

    pg = await startEmbeddedPostgres({ dataDir, port, database: 'latchkey' });
    const recovery = await waitForStatus(() => app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } }).then((r) => ({ status: r.statusCode })), 200);
    const readyAgain = await waitForStatus(() => app.inject({ method: 'GET', url: '/readyz' }).then((r) => ({ status: r.statusCode })), 200);
    await sleep(300);
    const samples = await load.stop();

    const bad = samples.filter((s) => s.status === -1 || (s.status >= 500 && s.status !== 503));
    assert.deepEqual(bad, [], `only 503s, never a crash or another 5xx; logged errors:\n${errors.slice(0, 3).join('\n')}`);
    const slow = samples.filter((s) => s.ms > BOUND_MS + 1000);
    assert.deepEqual(slow, [], 'every answer within the bound');
    const n503 = samples.filter((s) => s.status === 503).length;
    assert.ok(samples.some((s) => s.name === 'login' && s.status === 503), 'sign-in answered 503 while the database was down');
    assert.equal(samples.filter((s) => s.name === 'healthz' && s.status !== 200).length, 0, '/healthz (liveness) never depends on Postgres');
    // every session that exists has its refresh token (no half sign-in)
    const orphans = await app.db.session.count({ where: { userId: user.id, refreshTokens: { none: {} } } });
    assert.equal(orphans, 0, 'no session without its refresh token');

    const msg = `Postgres outage (${outage.toFixed(0)} ms): ${samples.length} requests under load, ${n503} answered 503, max latency ${Math.max(...samples.map((s) => s.ms)).toFixed(0)} ms; sign-in recovered ${recovery.toFixed(0)} ms after Postgres was back, /readyz ${readyAgain.toFixed(0)} ms`;
    tt.diagnostic(msg);
    console.log(`# ${msg}`);
  } finally {
    await app.close();
    await store.close();
    await db.$disconnect();
    await pg.stop();
  }
});
