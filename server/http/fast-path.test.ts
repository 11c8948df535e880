import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { rotateSigningKeys } from '../keys/rotate-keys.ts';
import { keyRing } from '../keys/key-ring.ts';

const DOCUMENTS = ['/oauth/jwks', '/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];
// set by the connection, not by the answer
const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'x-request-id']);

/** a test app on a real port; `routed` counts the requests that reached Fastify's router */
async function listeningApp(opts: Parameters<typeof createTestApp>[0] = {}) {
  const counter = { routed: 0 };
  const t = await createTestApp({
    ...opts,
    setup: (app) => { app.addHook('onRequest', (_req, _reply, done) => { counter.routed++; done(); }); },
  });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address() as { port: number };
  const url = (path: string) => `http://127.0.0.1:${address.port}${path}`;
  return { t, counter, url };
}

function answerHeaders(headers: Headers | Record<string, unknown>): Record<string, string> {
  const entries: [string, string][] = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers).map(([k, v]) => [k, String(v)]);
  return Object.fromEntries(entries.filter(([k]) => !TRANSPORT.has(k.toLowerCase())).sort(([a], [b]) => a.localeCompare(b)));
}

describe('published documents: answered before Fastify, as the route answers them', () => {
  let t: TestContext;
  let counter: { routed: number };
  let url: (path: string) => string;
  before(async () => { ({ t, counter, url } = await listeningApp()); });
  after(async () => { await t.close(); });

  it('answers GET of each document without Fastify, with the body and headers of its route', async () => {
    for (const path of DOCUMENTS) {
      const routed = counter.routed;
      const res = await fetch(url(path));
      assert.equal(counter.routed, routed, `${path} did not reach the router`);
      assert.equal(res.status, 200);
      const viaRoute = await t.app.inject(path);
      assert.equal(await res.text(), viaRoute.body, path);
      assert.deepEqual(answerHeaders(res.headers), answerHeaders(viaRoute.headers), path);
      assert.match(res.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
    }
  });

  it('keeps a harmless x-request-id and replaces any other', async () => {
    const kept = await fetch(url('/oauth/jwks'), { headers: { 'x-request-id': 'trace-42.a:b' } });
    assert.equal(kept.headers.get('x-request-id'), 'trace-42.a:b');
    const replaced = await fetch(url('/oauth/jwks'), { headers: { 'x-request-id': 'no spaces <here>' } });
    assert.match(replaced.headers.get('x-request-id')!, /^[0-9a-f-]{36}$/);
  });

  it('leaves HEAD, query strings, trailing slashes, Origin headers and other paths to Fastify', async () => {
    const body = await (await fetch(url('/oauth/jwks'))).text();
    for (const [path, init] of [
      ['/oauth/jwks', { method: 'HEAD' }],
      ['/oauth/jwks?x=1', {}],
      ['/oauth/jwks/', {}],
      ['/oauth/jwks', { headers: { origin: 'https://app.example' } }],
    ] as const) {
      const routed = counter.routed;
      const res = await fetch(url(path), init);
      assert.equal(counter.routed, routed + 1, `${init.method ?? 'GET'} ${path} reached the router`);
      assert.equal(res.status, 200);
      if (init.method !== 'HEAD') assert.equal(await res.text(), body);
    }
    const routed = counter.routed;
    assert.equal((await fetch(url('/oauth/jwks'), { method: 'POST' })).status, 404);
    assert.equal(counter.routed, routed + 1);
  });

  it('counts its answers in the route\'s metrics series', async () => {
    const count = async () => {
      const text = (await t.app.inject('/metrics')).body;
      const line = text.split('\n').find((l) => l.startsWith('latchkey_http_requests_total{') && l.includes('route="/.well-known/oauth-authorization-server"') && l.includes('method="GET"') && l.includes('status="200"'));
      return line ? Number(line.split(' ').pop()) : 0;
    };
    const before = await count();
    for (let i = 0; i < 3; i++) await fetch(url('/.well-known/oauth-authorization-server'));
    assert.equal(await count(), before + 3);
  });

  it('publishes a key rotation: the route reloads the keys, then the fast path serves the new set', async () => {
    const r = await rotateSigningKeys(t.services);
    keyRing(t.app).invalidate();
    const routed = counter.routed;
    const kids = async () => ((await (await fetch(url('/oauth/jwks'))).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
    const first = await kids();
    assert.equal(counter.routed, routed + 1, 'keys due for a reload: the route answered');
    assert.ok(first.includes(r.next) && first.includes(r.current), 'the new keys are published');
    assert.deepEqual(await kids(), first);
    assert.equal(counter.routed, routed + 1, 'then the fast path answers again');
  });
});

describe('published documents with CORS configured', () => {
  it('answers requests without Origin with the Vary header the CORS plugin adds; requests with one go to Fastify', async () => {
    const { t, counter, url } = await listeningApp({ env: { CORS_ORIGINS: 'https://app.example' } });
    try {
      const res = await fetch(url('/.well-known/openid-configuration'));
      const viaRoute = await t.app.inject('/.well-known/openid-configuration');
      assert.equal(res.headers.get('vary'), 'Origin');
      assert.deepEqual(answerHeaders(res.headers), answerHeaders(viaRoute.headers));
      const routed = counter.routed;
      const cors = await fetch(url('/.well-known/openid-configuration'), { headers: { origin: 'https://app.example' } });
      assert.equal(counter.routed, routed + 1);
      assert.equal(cors.headers.get('access-control-allow-origin'), 'https://app.example');
    } finally {
      await t.close();
    }
  });
});

describe('published documents with request logging on', () => {
  it('leaves every request to Fastify, which logs it', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    const { t, counter, url } = await listeningApp({ logger: pino({ level: 'info' }, sink) });
    try {
      const routed = counter.routed;
      assert.equal((await fetch(url('/oauth/jwks'))).status, 200);
      assert.equal(counter.routed, routed + 1);
      assert.ok(lines.some((l) => l.includes('request completed')), 'the request was logged');
    } finally {
      await t.close();
    }
  });
});
