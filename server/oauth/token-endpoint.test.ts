// RFC 6749 §2.3 client authentication and §5 responses of POST /oauth/token.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { basicAuth, createClient, expectOAuthError, tokenRequest } from '../test/oauth.ts';

describe('POST /oauth/token: client authentication and errors', () => {
  let t: TestContext;
  let cc: { clientId: string; clientSecret?: string };
  before(async () => {
    t = await createTestApp();
    cc = await createClient(t.app, { grantTypes: ['client_credentials'], scopes: ['reports:read'] });
  });
  after(async () => { await t.close(); });

  it('accepts client_secret_basic and client_secret_post, with no-store', async () => {
    for (const method of ['basic', 'post'] as const) {
      const res = await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method, clientId: cc.clientId, clientSecret: cc.clientSecret! });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers.pragma, 'no-cache');
      assert.equal(res.json().token_type, 'Bearer');
    }
  });

  it('decodes form-urlencoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const odd = await createClient(t.app, { id: 'my client:1', grantTypes: ['client_credentials'] });
    const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { authorization: basicAuth(odd.clientId, odd.clientSecret!), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' });
    assert.equal(res.statusCode, 200, res.body);
  });

  it('answers 401 invalid_client with WWW-Authenticate for a bad Basic secret', async () => {
    const res = await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'basic', clientId: cc.clientId, clientSecret: 'wrong' });
    expectOAuthError(res, 'invalid_client', 401);
    assert.match(res.headers['www-authenticate'] as string, /^Basic/);
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  it('refuses unknown clients, missing auth, a confidential client without its secret, and a disabled client', async () => {
    const unknown = await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'post', clientId: 'nope', clientSecret: 'x' });
    expectOAuthError(unknown, 'invalid_client', 401);
    assert.ok(unknown.headers['www-authenticate'], 'every 401 carries a challenge');
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials' }), 'invalid_client', 401);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'none', clientId: cc.clientId }), 'invalid_client', 401);
    const off = await createClient(t.app, { grantTypes: ['client_credentials'] });
    await t.services.db.client.update({ where: { id: off.clientId }, data: { disabledAt: new Date() } });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'post', clientId: off.clientId, clientSecret: off.clientSecret! }), 'invalid_client', 401);
  });

  it('a NUL in Basic credentials is invalid_client, not a server error', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { authorization: 'Basic ' + Buffer.from('\u0000:x').toString('base64'), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'grant_type=client_credentials' });
    expectOAuthError(res, 'invalid_client', 401);
  });

  it('refuses two authentication methods at once', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { authorization: basicAuth(cc.clientId, cc.clientSecret!), 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&client_secret=${cc.clientSecret}` });
    expectOAuthError(res, 'invalid_request', 400);
  });

  it('answers unsupported_grant_type, unauthorized_client and invalid_request per RFC 6749 §5.2', async () => {
    const auth = { method: 'post' as const, clientId: cc.clientId, clientSecret: cc.clientSecret! };
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'urn:made:up' }, auth), 'unsupported_grant_type', 400);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'password', username: 'a@b.c', password: 'x' }, auth), 'unauthorized_client', 400);
    expectOAuthError(await tokenRequest(t.app, {}, auth), 'invalid_request', 400);
    const dup = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `grant_type=client_credentials&grant_type=password&client_id=${cc.clientId}&client_secret=${cc.clientSecret}` });
    expectOAuthError(dup, 'invalid_request', 400);
  });
});
