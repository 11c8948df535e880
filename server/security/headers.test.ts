// Security headers (helmet, registered in app.ts) and cookie attributes: the
// browser-side defences of DESIGN §6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../test/fixture.ts';

function csp(header: unknown): Map<string, string> {
  return new Map(
    String(header)
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(/\s+/)[0]!, d.slice(d.indexOf(' ') + 1)]),
  );
}

test('pages: strict CSP (no inline script or style), frame-ancestors none, nosniff, no-referrer; no HSTS on plain http', async () => {
  const t = await createTestApp();
  try {
    for (const url of ['/login', '/account', '/public/style.css', '/oauth/authorize', '/no-such-page']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      const policy = csp(res.headers['content-security-policy']);
      assert.equal(policy.get('frame-ancestors'), "'none'", url);
      assert.equal(policy.get('default-src'), "'self'", url);
      assert.equal(policy.get('object-src'), "'none'", url);
      assert.equal(policy.get('base-uri'), "'none'", url);
      for (const d of ['script-src', 'style-src', 'default-src']) {
        const v = policy.get(d) ?? '';
        assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(v), `${url} ${d}: ${v}`);
      }
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN', url);
      assert.equal(res.headers['strict-transport-security'], undefined, 'HSTS only when served over https');
      assert.equal(res.headers['x-powered-by'], undefined);
    }
  } finally {
    await t.close();
  }
});

test('JSON APIs (and their refusals): a CSP that allows nothing and forbids framing, nosniff, a request id', async () => {
  const t = await createTestApp();
  try {
    const requests = [
      { method: 'GET', url: '/healthz' },
      { method: 'GET', url: '/oauth/jwks' },
      { method: 'GET', url: '/.well-known/openid-configuration' },
      { method: 'GET', url: '/auth/me' },
      { method: 'POST', url: '/oauth/token', payload: 'grant_type=password', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      { method: 'GET', url: '/admin/api/users' },
      { method: 'POST', url: '/no-such-endpoint' },
    ] as const;
    for (const r of requests) {
      const res = await t.app.inject(r as never);
      const label = `${r.method} ${r.url} ${res.statusCode}`;
      const policy = csp(res.headers['content-security-policy']);
      assert.equal(policy.get('default-src'), "'none'", label);
      assert.equal(policy.get('frame-ancestors'), "'none'", label);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', label);
      assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, label);
      assert.equal(res.headers['strict-transport-security'], undefined, label);
    }
  } finally {
    await t.close();
  }
});

test('behind https: HSTS, upgrade-insecure-requests, and cookies Secure + __Host- + HttpOnly + SameSite', async () => {
  const t = await createTestApp({ env: { ISSUER: 'https://id.example.com' } });
  try {
    const api = await t.app.inject({ method: 'GET', url: '/oauth/jwks' });
    assert.match(String(api.headers['strict-transport-security']), /max-age=31536000/);
    const res = await t.app.inject({ method: 'GET', url: '/login' });
    assert.match(String(res.headers['strict-transport-security']), /max-age=31536000/);
    assert.ok(csp(res.headers['content-security-policy']).has('upgrade-insecure-requests'));
    const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.ok(cookies.length > 0, 'the login page sets its CSRF/flow cookie');
    for (const c of cookies) {
      assert.match(c, /^__Host-/, c);
      assert.match(c, /;\s*Secure/i, c);
      assert.match(c, /;\s*HttpOnly/i, c);
      assert.match(c, /;\s*SameSite=(Lax|Strict)/i, c);
      assert.match(c, /;\s*Path=\//i, c);
      assert.doesNotMatch(c, /;\s*Domain=/i, c);
    }
  } finally {
    await t.close();
  }
});

test('on plain http (development) cookies are still HttpOnly and SameSite', async () => {
  const t = await createTestApp();
  try {
    const res = await t.app.inject({ method: 'GET', url: '/login' });
    for (const c of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
      assert.match(c, /;\s*HttpOnly/i, c);
      assert.match(c, /;\s*SameSite=(Lax|Strict)/i, c);
    }
  } finally {
    await t.close();
  }
});
