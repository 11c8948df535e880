// SIGTERM under load (DESIGN §6): the requests the server already accepted
// complete, new connections are refused, and the process exits 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestDatabase } from '../test/fixture.ts';
import { startServer, waitReady } from '../test/server-process.ts';

test('SIGTERM under load: in-flight sign-ins complete, new connections refused, exit 0', async (tt) => {
  const env = {
    DATABASE_URL: await createTestDatabase(),
    REDIS_URL: process.env.TEST_REDIS_URL!,
    REDIS_PREFIX: `sigterm:${randomUUID()}:`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_EMAIL: 'root@example.test',
    BOOTSTRAP_ADMIN_PASSWORD: 'Granite-Heron-Lamp-77',
    // production argon2 cost: each sign-in takes long enough to be caught mid-flight
    ARGON2_MEMORY_KIB: '19456',
    ARGON2_ITERATIONS: '2',
    LOG_LEVEL: 'info',
    RATE_LIMIT_ENABLED: 'false',
  };
  const s = await startServer(env);
  try {
    await waitReady(s);
    const body = JSON.stringify({ email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD });
    let sigtermAt = Infinity;
    const inflight = Array.from({ length: 24 }, () =>
      fetch(`${s.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', connection: 'close' }, body }).then(
        async (r) => ({ status: r.status, json: (await r.json()) as { access_token?: string }, doneAt: performance.now() }),
        (err: Error) => ({ status: -1, error: err.message, json: {} as { access_token?: string }, doneAt: performance.now() }),
      ),
    );
    // SIGTERM once the server has received every one of them (its request log says so), while argon2 still works on them
    const received = () => (s.output().match(/"url":"\/auth\/login"[^\n]*"msg":"incoming request"/g) ?? []).length;
    const t0 = performance.now();
    while (received() < inflight.length && performance.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 5));
    assert.equal(received(), inflight.length, 'all requests reached the server');
    sigtermAt = performance.now();
    const exited = s.stop('SIGTERM');
    // a new connection once the server has begun its shutdown (a busy machine may take a while to deliver the signal)
    const t1 = performance.now();
    while (!/"msg":"shutting down"/.test(s.output()) && performance.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    const late = await fetch(`${s.url}/healthz`).then((r) => r.status, (err: Error) => (err.cause as { code?: string })?.code ?? err.message);

    const results = await Promise.all(inflight);
    const code = await exited;
    const afterSignal = results.filter((r) => r.doneAt > sigtermAt).length;
    assert.deepEqual(results.map((r) => r.status), results.map(() => 200), `every accepted request completed normally: ${JSON.stringify(results.map((r) => [r.status, (r as { error?: string }).error, Math.round(r.doneAt - sigtermAt)]))}`);
    assert.ok(results.every((r) => typeof r.json.access_token === 'string'));
    assert.ok(afterSignal > 0, 'some requests were still in flight when SIGTERM came (else the test proves nothing)');
    assert.ok(late === 'ECONNREFUSED' || late === 'ECONNRESET' || late === 503, `a new connection after SIGTERM got ${late}`);
    assert.equal(code, 0, s.output().slice(-2000));
    assert.match(s.output(), /"msg":"stopped"/);
    const msg = `SIGTERM: ${results.length} concurrent sign-ins, ${afterSignal} finished after the signal, all 200; new connection: ${late}; exit ${code}`;
    tt.diagnostic(msg);
    console.log(`# ${msg}`);
  } finally {
    await s.stop('SIGKILL');
  }
});
