// DESIGN §5 first-party JSON API: /auth/login, /auth/refresh.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { bearer, createUser, decodeJwt, expectOAuthError, login } from '../test/oauth.ts';

describe('POST /auth/login and /auth/refresh', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('answers a token pair for email or username, for the built-in client, with a new session', async () => {
    const { user, email, password } = await createUser(t.app);
    const byEmail = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
    assert.equal(byEmail.statusCode, 200, byEmail.body);
    const body = byEmail.json();
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type'].sort());
    assert.equal(body.token_type, 'Bearer');
    assert.equal(byEmail.headers['cache-control'], 'no-store');
    const claims = decodeJwt(body.access_token).payload;
    assert.equal(claims.client_id, 'latchkey');
    assert.equal(claims.sub, user.id);
    const byUsername = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { username: email.toUpperCase(), password } });
    assert.equal(byUsername.statusCode, 200, 'username alias, case-insensitive email');
    assert.notEqual(decodeJwt(byUsername.json().access_token).payload.sid, claims.sid, 'every sign-in is its own session');
    assert.equal(await t.services.db.session.count({ where: { userId: user.id } }), 2);
  });

  it('401 invalid_grant, the same for a wrong password and an unknown email', async () => {
    const { email } = await createUser(t.app);
    const a = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: 'wrong password!' } });
    const b = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'nobody@example.com', password: 'wrong password!' } });
    assert.deepEqual(expectOAuthError(a, 'invalid_grant', 401), expectOAuthError(b, 'invalid_grant', 401));
  });

  it('403 email_not_verified only after the right password; 403 mfa_required with mfa_token when TOTP is on', async () => {
    const u = await createUser(t.app, { verified: false });
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: u.email, password: 'not it at all' } }), 'invalid_grant', 401);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: u.email, password: u.password } }), 'email_not_verified', 403);
    const m = await createUser(t.app);
    await t.services.db.userMfa.create({ data: { userId: m.user.id, secretEnc: 'x', enabledAt: new Date() } });
    const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: m.email, password: m.password } });
    const body = expectOAuthError(res, 'mfa_required', 403);
    assert.match(body.mfa_token as string, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.access_token, undefined);
  });

  it('400 invalid_request for a malformed body', async () => {
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'a@example.com' } }), 'invalid_request', 400);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/login', payload: { password: 'x' } }), 'invalid_request', 400);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: ['a'], password: { x: 1 } } }), 'invalid_request', 400);
  });

  it('/auth/refresh rotates; a bad, expired or reused token is 401 invalid_grant and reuse ends the session', async () => {
    const { email, password } = await createUser(t.app);
    const first = await login(t.app, email, password);
    const res = await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } });
    assert.equal(res.statusCode, 200, res.body);
    const second = res.json();
    assert.notEqual(second.refresh_token, first.refresh_token);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: 'garbage' } }), 'invalid_grant', 401);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } }), 'invalid_grant', 401);
    // reuse ended the family: the successor and its access token are dead
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: second.refresh_token } }), 'invalid_grant', 401);
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: bearer(second.access_token) }), 'invalid_token', 401);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: {} }), 'invalid_request', 400);
  });
});
