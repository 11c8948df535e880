// /auth/me, /auth/logout and the user's own sessions.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { bearer, createClient, createUser, expectOAuthError, login, tokenRequest } from '../test/oauth.ts';

describe('/auth/me, /auth/logout, /auth/sessions', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('GET /auth/me answers the profile with roles and permissions', async () => {
    const { user, email, password } = await createUser(t.app, { roles: ['admin'], name: 'Grace' });
    const { access_token } = await login(t.app, email, password);
    const res = await t.app.inject({ url: '/auth/me', headers: bearer(access_token) });
    assert.equal(res.statusCode, 200, res.body);
    const me = res.json();
    assert.deepEqual(Object.keys(me).sort(), ['email', 'email_verified', 'id', 'mfa_enabled', 'name', 'permissions', 'roles']);
    assert.equal(me.id, user.id);
    assert.equal(me.email, email);
    assert.equal(me.name, 'Grace');
    assert.equal(me.email_verified, true);
    assert.equal(me.mfa_enabled, false);
    assert.deepEqual(me.roles, ['admin']);
    assert.ok(me.permissions.includes('admin:access'));
  });

  it('refuses missing, malformed and client-only tokens; a disabled user loses access at once', async () => {
    expectOAuthError(await t.app.inject({ url: '/auth/me' }), 'invalid_token', 401);
    const r = await t.app.inject({ url: '/auth/me', headers: { authorization: 'Bearer not.a.jwt' } });
    expectOAuthError(r, 'invalid_token', 401);
    assert.match(r.headers['www-authenticate'] as string, /^Bearer /);
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: { authorization: 'Basic abc' } }), 'invalid_token', 401);
    const c = await createClient(t.app, { grantTypes: ['client_credentials'] });
    const cc = (await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'basic', clientId: c.clientId, clientSecret: c.clientSecret! })).json();
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: bearer(cc.access_token) }), 'forbidden', 403);
    const { user, email, password } = await createUser(t.app);
    const { access_token } = await login(t.app, email, password);
    await t.services.db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: bearer(access_token) }), 'invalid_token', 401);
  });

  it('POST /auth/logout ends the session: access and refresh tokens stop at once', async () => {
    const { email, password } = await createUser(t.app);
    const tokens = await login(t.app, email, password);
    const other = await login(t.app, email, password);
    const res = await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token), payload: { refresh_token: other.refresh_token } });
    assert.equal(res.statusCode, 204, res.body);
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: bearer(tokens.access_token) }), 'invalid_token', 401);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: tokens.refresh_token } }), 'invalid_grant', 401);
    // the refresh token given with the logout ended its own session too
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: bearer(other.access_token) }), 'invalid_token', 401);
    expectOAuthError(await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) }), 'invalid_token', 401);
  });

  it('a refresh token of someone else given to logout ends nothing of theirs', async () => {
    const a = await createUser(t.app);
    const b = await createUser(t.app);
    const ta = await login(t.app, a.email, a.password);
    const tb = await login(t.app, b.email, b.password);
    assert.equal((await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(ta.access_token), payload: { refresh_token: tb.refresh_token } })).statusCode, 204);
    assert.equal((await t.app.inject({ url: '/auth/me', headers: bearer(tb.access_token) })).statusCode, 200);
  });

  it('lists only my active sessions and ends one of mine, never another user\'s', async () => {
    const { email, password } = await createUser(t.app);
    const s1 = await login(t.app, email, password);
    const s2 = await login(t.app, email, password);
    const stranger = await createUser(t.app);
    const st = await login(t.app, stranger.email, stranger.password);
    const list = await t.app.inject({ url: '/auth/sessions', headers: bearer(s1.access_token) });
    assert.equal(list.statusCode, 200, list.body);
    const items = list.json().items;
    assert.equal(items.length, 2);
    assert.equal(items.filter((i: { current: boolean }) => i.current).length, 1);
    assert.equal(items[0].client_id, 'latchkey');
    const strangerSid = (await t.app.inject({ url: '/auth/sessions', headers: bearer(st.access_token) })).json().items[0].id;
    expectOAuthError(await t.app.inject({ method: 'DELETE', url: `/auth/sessions/${strangerSid}`, headers: bearer(s1.access_token) }), 'not_found', 404);
    assert.equal((await t.app.inject({ url: '/auth/me', headers: bearer(st.access_token) })).statusCode, 200);
    expectOAuthError(await t.app.inject({ method: 'DELETE', url: '/auth/sessions/not-a-uuid', headers: bearer(s1.access_token) }), 'invalid_request', 400);
    const otherSid = items.find((i: { current: boolean }) => !i.current).id;
    assert.equal((await t.app.inject({ method: 'DELETE', url: `/auth/sessions/${otherSid}`, headers: bearer(s1.access_token) })).statusCode, 204);
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: bearer(s2.access_token) }), 'invalid_token', 401);
    assert.equal((await t.app.inject({ url: '/auth/sessions', headers: bearer(s1.access_token) })).json().items.length, 1);
  });
});
