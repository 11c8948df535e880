// RFC 7009 revocation and RFC 7662 introspection of every token kind.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { randomUUID } from 'node:crypto';
import { bearer, createClient, createUser, decodeJwt, expectOAuthError, formPost, tokenRequest, type ClientAuth } from '../test/oauth.ts';
import { signJwt } from './tokens/sign-jwt.ts';

describe('revocation and introspection', () => {
  let t: TestContext;
  let app: { clientId: string; clientSecret?: string };
  let rs: { clientId: string; clientSecret?: string };
  let appAuth: ClientAuth;
  let rsAuth: ClientAuth;
  before(async () => {
    t = await createTestApp();
    app = await createClient(t.app, { grantTypes: ['password', 'refresh_token', 'client_credentials'], firstParty: true, scopes: ['reports:read'] });
    rs = await createClient(t.app, { grantTypes: ['client_credentials'] });
    appAuth = { method: 'basic', clientId: app.clientId, clientSecret: app.clientSecret! };
    rsAuth = { method: 'post', clientId: rs.clientId, clientSecret: rs.clientSecret! };
  });
  after(async () => { await t.close(); });

  async function signIn() {
    const { user, email, password } = await createUser(t.app);
    const res = await tokenRequest(t.app, { grant_type: 'password', username: email, password, scope: 'openid' }, appAuth);
    assert.equal(res.statusCode, 200, res.body);
    return { user, email, ...(res.json() as { access_token: string; refresh_token: string; id_token: string }) };
  }
  const introspect = (token: string, auth: ClientAuth = rsAuth) => formPost(t.app, '/oauth/introspect', { token }, auth);
  const revoke = (token: string, auth: ClientAuth = appAuth, hint?: string) => formPost(t.app, '/oauth/revoke', { token, token_type_hint: hint }, auth);

  it('introspects an active access token for any confidential client, and a refresh token only for its own client', async () => {
    const s = await signIn();
    const at = await introspect(s.access_token);
    assert.equal(at.statusCode, 200, at.body);
    assert.equal(at.headers['cache-control'], 'no-store');
    const a = at.json();
    assert.equal(a.active, true);
    assert.equal(a.sub, s.user.id);
    assert.equal(a.client_id, app.clientId);
    assert.equal(a.token_type, 'Bearer');
    assert.equal(a.iss, t.config.issuer);
    assert.equal(a.scope, 'openid');
    assert.ok(a.exp > Date.now() / 1000);
    const rt = (await introspect(s.refresh_token, appAuth)).json();
    assert.equal(rt.active, true);
    assert.equal(rt.token_type, 'refresh_token');
    assert.equal(rt.username, s.email);
    assert.deepEqual((await introspect(s.refresh_token, rsAuth)).json(), { active: false }, 'another client\'s refresh token');
  });

  it('answers active:false for unknown, expired, ID tokens, and tokens of another issuer', async () => {
    const s = await signIn();
    assert.deepEqual((await introspect('garbage')).json(), { active: false });
    assert.deepEqual((await introspect('a.b.c')).json(), { active: false });
    assert.deepEqual((await introspect(s.id_token)).json(), { active: false }, 'an ID token is not an access token');
    const now = Math.floor(Date.now() / 1000);
    const expired = (await signJwt(t.app, { ...decodeJwt(s.access_token).payload, jti: randomUUID(), iat: now - 3600, exp: now - 600 }, 'at+jwt')).jwt;
    assert.deepEqual((await introspect(expired)).json(), { active: false }, 'expired');
    const other = await createTestApp();
    try {
      const { email, password } = await createUser(other.app);
      const foreign = (await other.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } })).json();
      assert.deepEqual((await introspect(foreign.access_token)).json(), { active: false }, 'signed by keys that are not ours');
    } finally {
      await other.close();
    }
  });

  it('requires a confidential client (RFC 7662 §2.1)', async () => {
    const s = await signIn();
    expectOAuthError(await introspect(s.access_token, { method: 'none', clientId: 'latchkey' }), 'invalid_client', 401);
    expectOAuthError(await formPost(t.app, '/oauth/introspect', { token: s.access_token }), 'invalid_client', 401);
    expectOAuthError(await introspect(s.access_token, { method: 'basic', clientId: rs.clientId, clientSecret: 'wrong' }), 'invalid_client', 401);
  });

  it('revoking a refresh token ends its family: the session, its access tokens and refresh', async () => {
    const s = await signIn();
    const r = await revoke(s.refresh_token, appAuth, 'refresh_token');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual((await introspect(s.refresh_token, appAuth)).json(), { active: false });
    assert.deepEqual((await introspect(s.access_token)).json(), { active: false });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: s.refresh_token }, appAuth), 'invalid_grant', 400);
    expectOAuthError(await t.app.inject({ url: '/oauth/userinfo', headers: bearer(s.access_token) }), 'invalid_token', 401);
  });

  it('revoking an access token stops that token (jti) but not the session', async () => {
    const s = await signIn();
    assert.equal((await revoke(s.access_token)).statusCode, 200);
    assert.deepEqual((await introspect(s.access_token)).json(), { active: false });
    expectOAuthError(await t.app.inject({ url: '/auth/me', headers: bearer(s.access_token) }), 'invalid_token', 401);
    const fresh = await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: s.refresh_token }, appAuth);
    assert.equal(fresh.statusCode, 200, 'the refresh token still works');
    assert.equal((await introspect(fresh.json().access_token)).json().active, true);
  });

  it('revokes client-credentials tokens too', async () => {
    const cc = (await tokenRequest(t.app, { grant_type: 'client_credentials' }, appAuth)).json();
    assert.equal((await introspect(cc.access_token)).json().active, true);
    assert.equal((await revoke(cc.access_token, appAuth, 'access_token')).statusCode, 200);
    assert.deepEqual((await introspect(cc.access_token)).json(), { active: false });
  });

  it('answers 200 for unknown tokens and ignores tokens issued to another client', async () => {
    assert.equal((await revoke('never-issued')).statusCode, 200);
    assert.equal((await revoke('x.y.z', appAuth, 'made_up_hint')).statusCode, 200);
    const s = await signIn();
    assert.equal((await revoke(s.refresh_token, rsAuth)).statusCode, 200);
    assert.equal((await revoke(s.access_token, rsAuth)).statusCode, 200);
    assert.equal((await introspect(s.access_token)).json().active, true, 'a stranger cannot revoke it');
    assert.equal((await introspect(s.refresh_token, appAuth)).json().active, true);
    expectOAuthError(await formPost(t.app, '/oauth/revoke', { token: s.access_token }), 'invalid_client', 401);
    expectOAuthError(await formPost(t.app, '/oauth/revoke', {}, appAuth), 'invalid_request', 400);
  });

  it('introspection says inactive once the session ends by logout, and for a rotated refresh token', async () => {
    const s = await signIn();
    const next = (await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: s.refresh_token }, appAuth)).json();
    assert.deepEqual((await introspect(s.refresh_token, appAuth)).json(), { active: false }, 'rotated');
    assert.equal((await t.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(next.access_token) })).statusCode, 204);
    assert.deepEqual((await introspect(next.access_token)).json(), { active: false });
    assert.deepEqual((await introspect(next.refresh_token, appAuth)).json(), { active: false });
  });
});
