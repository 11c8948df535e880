// OIDC Core §5.3 UserInfo.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { bearer, createClient, createUser, expectOAuthError, tokenRequest } from '../test/oauth.ts';

describe('GET|POST /oauth/userinfo', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  async function tokenFor(scope: string) {
    const { user, email, password } = await createUser(t.app, { name: 'Linus' });
    const res = await tokenRequest(t.app, { grant_type: 'password', username: email, password, scope }, { method: 'none', clientId: 'latchkey' });
    assert.equal(res.statusCode, 200, res.body);
    return { user, email, token: res.json().access_token as string };
  }

  it('answers claims by scope, on GET and POST', async () => {
    const a = await tokenFor('openid email profile');
    for (const method of ['GET', 'POST'] as const) {
      const res = await t.app.inject({ method, url: '/oauth/userinfo', headers: bearer(a.token) });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { sub: a.user.id, email: a.email, email_verified: true, name: 'Linus' });
    }
    const b = await tokenFor('openid');
    assert.deepEqual((await t.app.inject({ url: '/oauth/userinfo', headers: bearer(b.token) })).json(), { sub: b.user.id });
  });

  it('needs the openid scope, a user token and a valid token', async () => {
    const a = await tokenFor('email');
    const res = await t.app.inject({ url: '/oauth/userinfo', headers: bearer(a.token) });
    expectOAuthError(res, 'insufficient_scope', 403);
    assert.match(res.headers['www-authenticate'] as string, /insufficient_scope/);
    const c = await createClient(t.app, { grantTypes: ['client_credentials'] });
    const cc = (await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'basic', clientId: c.clientId, clientSecret: c.clientSecret! })).json();
    expectOAuthError(await t.app.inject({ url: '/oauth/userinfo', headers: bearer(cc.access_token) }), 'invalid_token', 401);
    const r = await t.app.inject({ url: '/oauth/userinfo' });
    expectOAuthError(r, 'invalid_token', 401);
    assert.match(r.headers['www-authenticate'] as string, /^Bearer/);
  });
});
