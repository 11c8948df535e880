import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestApp } from '../test/fixture.ts';
import { CORS_PATHS } from './cors.ts';

const ALLOWED = 'https://app.example.com';
const EVIL = 'https://evil.example.net';

function preflight(app: FastifyInstance, url: string, origin: string, method = 'POST') {
  return app.inject({ method: 'OPTIONS', url, headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization, content-type' } });
}

test('CORS: allowed origins get headers on the OAuth endpoints (preflight included); unknown origins get none', async () => {
  const t = await createTestApp({ env: { CORS_ORIGINS: `${ALLOWED}, https://other.example.org` } });
  try {
    for (const url of CORS_PATHS) {
      const pre = await preflight(t.app, url, ALLOWED);
      assert.equal(pre.statusCode, 204, `${url}: ${pre.body}`);
      assert.equal(pre.headers['access-control-allow-origin'], ALLOWED, url);
      assert.match(String(pre.headers['access-control-allow-methods']), /POST/);
      assert.match(String(pre.headers['access-control-allow-headers']), /Authorization/i);
      assert.equal(pre.headers['access-control-allow-credentials'], undefined, 'no credentials mode');

      const bad = await preflight(t.app, url, EVIL);
      assert.equal(bad.headers['access-control-allow-origin'], undefined, `${url} must refuse ${EVIL}`);
      assert.notEqual(bad.statusCode, 204);
    }
    // the actual (non-preflight) responses, success and error alike
    const jwks = await t.app.inject({ method: 'GET', url: '/oauth/jwks', headers: { origin: ALLOWED } });
    assert.equal(jwks.headers['access-control-allow-origin'], ALLOWED);
    assert.match(String(jwks.headers.vary), /origin/i);
    const token = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { origin: ALLOWED, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=nope' });
    assert.ok(token.statusCode >= 400 && token.statusCode < 500);
    assert.equal(token.headers['access-control-allow-origin'], ALLOWED, 'errors are readable by the allowed app too');
    const evil = await t.app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers: { origin: EVIL } });
    assert.equal(evil.headers['access-control-allow-origin'], undefined);
    // a look-alike origin is not an allowed one
    for (const o of [`${ALLOWED}.evil.net`, 'http://app.example.com', 'https://app.example.com:444', 'null']) {
      const r = await t.app.inject({ method: 'GET', url: '/oauth/jwks', headers: { origin: o } });
      assert.equal(r.headers['access-control-allow-origin'], undefined, o);
    }
  } finally {
    await t.close();
  }
});

test('CORS: every other route sends no CORS headers, even to an allowed origin', async () => {
  const t = await createTestApp({ env: { CORS_ORIGINS: ALLOWED } });
  try {
    const routes = [
      ['GET', '/healthz'],
      ['GET', '/login'],
      ['POST', '/auth/login'],
      ['POST', '/auth/register'],
      ['GET', '/admin/api/users'],
      ['GET', '/oauth/authorize'],
      ['GET', '/openapi.json'],
      ['GET', '/no-such-route'],
    ] as const;
    for (const [method, url] of routes) {
      const res = await t.app.inject({ method, url, headers: { origin: ALLOWED }, ...(method === 'POST' ? { payload: {} } : {}) });
      assert.equal(res.headers['access-control-allow-origin'], undefined, `${method} ${url}`);
      const pre = await preflight(t.app, url, ALLOWED, method);
      assert.equal(pre.headers['access-control-allow-origin'], undefined, `preflight ${url}`);
      assert.equal(pre.headers['access-control-allow-methods'], undefined, `preflight ${url}`);
    }
  } finally {
    await t.close();
  }
});

test('CORS: with CORS_ORIGINS empty (the default) nothing is allowed', async () => {
  const t = await createTestApp();
  try {
    const pre = await preflight(t.app, '/oauth/token', ALLOWED);
    assert.equal(pre.headers['access-control-allow-origin'], undefined);
  } finally {
    await t.close();
  }
});
