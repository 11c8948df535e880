// Redis outage under load (DESIGN §6): routes that need the store answer 503
// quickly with a clear error, routes that do not keep working, nothing
// crashes, and service comes back by itself when Redis returns. A sign-in
// either creates its session and tokens or nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestApp } from '../test/fixture.ts';
import { startRedisServer } from '../test/redis-server.ts';
import { RedisStore } from '../store/redis-store.ts';
import { createUser, login } from '../test/oauth.ts';
import { runLoad, sleep, waitForStatus } from './load.ts';

const BOUND_MS = 3000; // RedisStore: connect/command timeouts of 2 s, no offline queue

test('Redis down under load: 503 fast, no crash, no half sign-in, recovery without restart', async (tt) => {
  const redis = await startRedisServer();
  const store = new RedisStore(redis.url, `outage:${randomUUID()}:`);
  const t = await createTestApp({ store, env: { LOCKOUT_THRESHOLD: '1000' } });
  try {
    const app = t.app;
    const { email, password, user } = await createUser(app);
    const token = (await login(app, email, password)).access_token;
    const sessionsBefore = await app.db.session.count({ where: { userId: user.id } });

    const load = runLoad([
      { name: 'login', run: () => app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } }).then((r) => ({ status: r.statusCode })) },
      { name: 'me', run: () => app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${token}` } }).then((r) => ({ status: r.statusCode })) },
      { name: 'jwks', run: () => app.inject({ method: 'GET', url: '/oauth/jwks' }).then((r) => ({ status: r.statusCode })) },
      { name: 'healthz', run: () => app.inject({ method: 'GET', url: '/healthz' }).then((r) => ({ status: r.statusCode })) },
    ]);
    await sleep(500);
    await redis.stop();
    await sleep(2500);

    // while it is down
    const t0 = performance.now();
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
    const took = performance.now() - t0;
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error, 'temporarily_unavailable');
    assert.match(res.json().error_description, /unavailable/);
    assert.ok(res.headers['retry-after']);
    assert.ok(took < BOUND_MS, `503 after ${took} ms`);
    assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 503);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);

    await redis.restart();
    const recovery = await waitForStatus(() => app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } }).then((r) => ({ status: r.statusCode })), 200);
    const readyAgain = await waitForStatus(() => app.inject({ method: 'GET', url: '/readyz' }).then((r) => ({ status: r.statusCode })), 200);
    await sleep(500);
    const samples = await load.stop();

    const bad = samples.filter((s) => s.status === -1 || (s.status >= 500 && s.status !== 503));
    assert.deepEqual(bad, [], 'only 503s, never a crash or another 5xx');
    const slow = samples.filter((s) => s.ms > BOUND_MS);
    assert.deepEqual(slow, [], 'every answer within the bound');
    const by = (name: string, status: number) => samples.filter((s) => s.name === name && s.status === status).length;
    assert.ok(by('login', 503) > 0 && by('me', 503) > 0, 'store-dependent routes answered 503 during the outage');
    assert.ok(by('jwks', 200) > 0 && by('healthz', 503) === 0, 'the routes that need no store kept working');
    assert.equal(samples.filter((s) => s.name === 'jwks' && s.status !== 200).length, 0, 'JWKS never depends on Redis');

    // every 200 sign-in made exactly one session; the refused ones made none
    const okLogins = by('login', 200) + 2; // + the recovery probe's success and the first login
    const sessions = (await app.db.session.count({ where: { userId: user.id } })) - sessionsBefore + 1;
    assert.equal(sessions, okLogins, `sessions ${sessions} vs successful sign-ins ${okLogins}`);
    const orphans = await app.db.session.count({ where: { userId: user.id, refreshTokens: { none: {} } } });
    assert.equal(orphans, 0, 'no session without its refresh token');

    const msg = `Redis outage: ${samples.length} requests under load (${by('login', 503) + by('me', 503)} answered 503, max latency ${Math.max(...samples.map((s) => s.ms)).toFixed(0)} ms); sign-in recovered ${recovery.toFixed(0)} ms after Redis returned, /readyz ${readyAgain.toFixed(0)} ms`;
    tt.diagnostic(msg);
    console.log(`# ${msg}`);
  } finally {
    await t.close();
    await redis.stop();
  }
});
