import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../test/fixture.ts';
import { RedisStore } from '../store/redis-store.ts';
import { startRedisServer } from '../test/redis-server.ts';
import { rateLimits } from './rate-limit.ts';

const limitsEnv = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_LOGIN: '3/1m', RATE_LIMIT_ACCOUNT: '4/1m', RATE_LIMIT_REGISTER: '2/1m' };

function routes(app: FastifyInstance) {
  app.post('/t/login', { config: { rateLimit: rateLimits.login } }, async () => ({ ok: true }));
  app.post('/t/login-page', { config: { rateLimit: rateLimits.login } }, async () => ({ ok: true }));
  app.post('/t/register', { config: { rateLimit: rateLimits.register } }, async () => ({ ok: true }));
  app.post('/t/free', async () => ({ ok: true }));
}

const post = (app: FastifyInstance, url: string, ip = '10.0.0.1', body: object = {}, headers: Record<string, string> = {}) =>
  app.inject({ method: 'POST', url, payload: body, remoteAddress: ip, headers });

test('per-IP limit: 429 with Retry-After and an RFC 6749-style body; other IPs and unlimited routes unaffected', async () => {
  const t = await createTestApp({ env: limitsEnv, setup: routes });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await post(t.app, '/t/login')).statusCode, 200);
    const res = await post(t.app, '/t/login');
    assert.equal(res.statusCode, 429);
    assert.equal(res.json().error, 'too_many_requests');
    assert.match(res.json().error_description, /try again/);
    const retry = Number(res.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, `retry-after ${retry}`);
    // a named limit is one budget across the routes that share it
    assert.equal((await post(t.app, '/t/login-page')).statusCode, 429);
    assert.equal((await post(t.app, '/t/login', '10.0.0.2')).statusCode, 200);
    assert.equal((await post(t.app, '/t/register')).statusCode, 200, 'another limit has its own counter');
    for (let i = 0; i < 10; i++) assert.equal((await post(t.app, '/t/free')).statusCode, 200);
  } finally {
    await t.close();
  }
});

test('X-Forwarded-For is ignored without TRUST_PROXY (no bypass by spoofing) and honoured with it', async () => {
  const spoof = await createTestApp({ env: limitsEnv, setup: routes });
  try {
    for (let i = 0; i < 3; i++) await post(spoof.app, '/t/login', '10.0.0.1', {}, { 'x-forwarded-for': `203.0.113.${i}` });
    assert.equal((await post(spoof.app, '/t/login', '10.0.0.1', {}, { 'x-forwarded-for': '203.0.113.99' })).statusCode, 429);
  } finally {
    await spoof.close();
  }
  const proxied = await createTestApp({ env: { ...limitsEnv, TRUST_PROXY: 'true' }, setup: routes });
  try {
    for (let i = 0; i < 3; i++) await post(proxied.app, '/t/login', '10.0.0.1', {}, { 'x-forwarded-for': '203.0.113.7' });
    assert.equal((await post(proxied.app, '/t/login', '10.0.0.1', {}, { 'x-forwarded-for': '203.0.113.7' })).statusCode, 429);
    assert.equal((await post(proxied.app, '/t/login', '10.0.0.1', {}, { 'x-forwarded-for': '203.0.113.8' })).statusCode, 200, 'behind the balancer each client has its own budget');
  } finally {
    await proxied.close();
  }
});

test('per-account limit holds across IPs, for canonical variants of one email, known or not', async () => {
  const t = await createTestApp({ env: { ...limitsEnv, RATE_LIMIT_LOGIN: '100/1m' }, setup: routes });
  try {
    const variants = ['Victim@Example.com', 'victim@example.com', ' VICTIM@example.COM', 'victim@EXAMPLE.com'];
    for (const [i, email] of variants.entries()) assert.equal((await post(t.app, '/t/login', `10.1.0.${i}`, { email })).statusCode, 200);
    const res = await post(t.app, '/t/login', '10.1.0.99', { email: 'victim@example.com' });
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.equal((await post(t.app, '/t/login', '10.1.0.99', { email: 'someone-else@example.com' })).statusCode, 200);
    // the password grant names the account `username`
    for (let i = 0; i < 4; i++) await post(t.app, '/t/login', `10.2.0.${i}`, { username: 'grant@example.com' });
    assert.equal((await post(t.app, '/t/login', '10.2.0.9', { username: 'grant@example.com' })).statusCode, 429);
  } finally {
    await t.close();
  }
});

test('two instances sharing one Redis share the counters', async () => {
  const prefix = `test:${randomUUID()}:`;
  const url = process.env.TEST_REDIS_URL!;
  const a = await createTestApp({ env: limitsEnv, setup: routes, store: new RedisStore(url, prefix) });
  const b = await createTestApp({ env: limitsEnv, setup: routes, store: new RedisStore(url, prefix) });
  try {
    assert.equal((await post(a.app, '/t/login')).statusCode, 200);
    assert.equal((await post(b.app, '/t/login')).statusCode, 200);
    assert.equal((await post(a.app, '/t/login')).statusCode, 200);
    assert.equal((await post(b.app, '/t/login')).statusCode, 429);
    assert.equal((await post(a.app, '/t/login')).statusCode, 429);
  } finally {
    await a.close();
    await b.close();
  }
});

test('RATE_LIMIT_ENABLED=false turns every limit off (benchmarks)', async () => {
  const t = await createTestApp({ env: { ...limitsEnv, RATE_LIMIT_ENABLED: 'false' }, setup: routes });
  try {
    for (let i = 0; i < 8; i++) assert.equal((await post(t.app, '/t/login', '10.0.0.1', { email: 'a@example.com' })).statusCode, 200);
  } finally {
    await t.close();
  }
});

test('the real endpoints carry their limits (sign-in, token, refresh, registration, reset, verification, MFA, introspection)', async () => {
  const env: Record<string, string> = { RATE_LIMIT_ENABLED: 'true', RATE_LIMIT_ACCOUNT: '1000/1m' };
  for (const name of ['LOGIN', 'TOKEN', 'REGISTER', 'PASSWORD_RESET', 'VERIFICATION', 'MFA', 'INTROSPECT']) env[`RATE_LIMIT_${name}`] = '2/1m';
  const t = await createTestApp({ env });
  try {
    const endpoints: Array<[string, string, Record<string, string>?]> = [
      ['/auth/login', 'login', { email: 'x@example.com', password: 'nope' }],
      ['/login', 'login'],
      ['/oauth/token', 'token', { grant_type: 'client_credentials' }],
      ['/auth/refresh', 'token', { refresh_token: 'nope' }],
      ['/auth/register', 'register', { email: 'bad' }],
      ['/auth/password/reset/request', 'passwordReset', { email: 'bad' }],
      ['/auth/email/verification/request', 'verification', { email: 'bad' }],
      ['/auth/mfa/verify', 'mfa', { mfa_token: 'nope', code: '123456' }],
      ['/oauth/introspect', 'introspect', { token: 'nope' }],
      ['/oauth/revoke', 'introspect', { token: 'nope' }],
    ];
    const used = new Map<string, number>();
    for (const [url, bucket, body] of endpoints) {
      if (!t.app.hasRoute({ method: 'POST', url })) continue;
      // a shared bucket (/auth/login + /login, /oauth/token + /auth/refresh) may already be spent
      const ip = `10.3.${[...used.keys()].length}.1`;
      used.set(url, 0);
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) codes.push((await t.app.inject({ method: 'POST', url, payload: body ?? {}, remoteAddress: ip })).statusCode);
      assert.ok(codes.slice(0, 2).every((c) => c !== 429), `${url}: ${codes}`);
      assert.equal(codes[2], 429, `${url} (${bucket}) must be rate limited: ${codes}`);
    }
    assert.ok(used.size >= 8, `only ${[...used.keys()].join(', ')} exist`);
  } finally {
    await t.close();
  }
});

test('with Redis down a limited route fails closed (503), it is not left unlimited', async () => {
  const redis = await startRedisServer();
  const t = await createTestApp({ env: limitsEnv, setup: routes, store: new RedisStore(redis.url, `rl-outage:${randomUUID()}:`) });
  try {
    assert.equal((await post(t.app, '/t/login')).statusCode, 200);
    await redis.stop();
    const res = await post(t.app, '/t/login');
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().error, 'temporarily_unavailable');
    assert.equal((await post(t.app, '/t/free')).statusCode, 200, 'routes without a limit do not need Redis for it');
  } finally {
    await t.close();
    await redis.stop();
  }
});
