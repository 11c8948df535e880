import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { startRedisServer } from '../test/redis-server.ts';
import { RedisStore } from '../store/redis-store.ts';

describe('operations endpoints', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('GET /healthz answers 200', async () => {
    const res = await t.app.inject('/healthz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok' });
  });

  it('GET /readyz answers 200 when Postgres and Redis answer', async () => {
    const res = await t.app.inject('/readyz');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().checks.database.status, 'up');
    assert.equal(res.json().checks.store.status, 'up');
  });

  it('GET /metrics exposes request counts by route pattern and process metrics', async () => {
    await t.app.inject('/healthz');
    const res = await t.app.inject('/metrics');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/plain/);
    assert.match(res.body, /latchkey_http_requests_total\{method="GET",route="\/healthz",status="200"\} \d+/);
    assert.match(res.body, /latchkey_http_request_duration_seconds_bucket/);
    assert.match(res.body, /latchkey_process_resident_memory_bytes/);
  });

  it('GET /metrics: the latency histogram agrees with the request counter, buckets cumulative', async () => {
    for (let i = 0; i < 3; i++) await t.app.inject('/healthz');
    await t.app.inject('/no/such/metrics/route');
    const body = (await t.app.inject('/metrics')).body;
    const value = (re: RegExp) => Number(re.exec(body)?.[1] ?? NaN);
    const count = value(/^latchkey_http_requests_total\{method="GET",route="\/healthz",status="200"\} (\d+)$/m);
    assert.ok(count >= 3);
    assert.equal(value(/^latchkey_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} (\d+)$/m), count);
    const series = ',method="GET",route="/healthz",status="200"}';
    const buckets = [...body.matchAll(/^latchkey_http_request_duration_seconds_bucket\{le="([^"]+)"(,[^}]+\}) (\S+)$/gm)]
      .filter((m) => m[2] === series)
      .map((m) => [m[1], Number(m[3])] as const);
    assert.equal(buckets.length, 12);
    assert.deepEqual(buckets.at(-1), ['+Inf', count]);
    for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i]![1] >= buckets[i - 1]![1], 'cumulative');
    assert.ok(value(/^latchkey_http_request_duration_seconds_sum\{method="GET",route="\/healthz",status="200"\} (\S+)$/m) > 0);
    // an unknown URL is one series, never a label of its own
    assert.ok(value(/^latchkey_http_requests_total\{method="GET",route="unmatched",status="404"\} (\d+)$/m) >= 1);
    assert.doesNotMatch(body, /no\/such\/metrics/);
  });

  it('sends a request id back, keeping a harmless caller-supplied one', async () => {
    const own = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123' } });
    assert.equal(own.headers['x-request-id'], 'trace-123');
    const evil = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\n<script>' } });
    assert.match(evil.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes 404 with an error body, and an HTML page to browsers', async () => {
    const api = await t.app.inject({ method: 'POST', url: '/no/such/route' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error, 'not_found');
    const page = await t.app.inject({ url: '/no/such/page', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 404);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    assert.match(page.body, /<h1[^>]*>That did not work<\/h1>/);
  });

  it('sets security headers', async () => {
    const res = await t.app.inject('/healthz');
    assert.equal(res.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  it('publishes an OpenAPI document naming its routes', async () => {
    const res = await t.app.inject('/openapi.json');
    assert.equal(res.statusCode, 200);
    assert.ok(res.json().paths['/readyz']);
  });
});

describe('readiness during a Redis outage', () => {
  it('turns /readyz into 503 naming Redis, and back to 200 when Redis returns', async () => {
    const redis = await startRedisServer();
    const store = new RedisStore(redis.url, 'ready:', { commandTimeoutMs: 500 });
    const t = await createTestApp({ store });
    try {
      assert.equal((await t.app.inject('/readyz')).statusCode, 200);
      await redis.stop();
      const down = await t.app.inject('/readyz');
      assert.equal(down.statusCode, 503);
      assert.match(down.json().error_description, /Redis/);
      assert.equal(down.json().checks.database.status, 'up');
      await redis.restart();
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await t.app.inject('/readyz')).statusCode;
      }
      assert.equal(status, 200);
    } finally {
      await t.close();
      await redis.stop();
    }
  });
});
