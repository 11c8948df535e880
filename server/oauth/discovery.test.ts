import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';

describe('discovery and JWKS', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('publishes the same metadata under both well-known names, naming every endpoint', async () => {
    const oidc = (await t.app.inject('/.well-known/openid-configuration')).json();
    const as = (await t.app.inject('/.well-known/oauth-authorization-server')).json();
    assert.deepEqual(oidc, as);
    const iss = t.config.issuer;
    assert.equal(oidc.issuer, iss);
    for (const [k, path] of Object.entries({ authorization_endpoint: '/oauth/authorize', token_endpoint: '/oauth/token', userinfo_endpoint: '/oauth/userinfo', jwks_uri: '/oauth/jwks', revocation_endpoint: '/oauth/revoke', introspection_endpoint: '/oauth/introspect', end_session_endpoint: '/oauth/logout' })) {
      assert.equal(oidc[k], iss + path, k);
    }
    assert.deepEqual(oidc.code_challenge_methods_supported, ['S256']);
    for (const g of ['authorization_code', 'refresh_token', 'client_credentials', 'password']) assert.ok(oidc.grant_types_supported.includes(g), g);
    assert.deepEqual(oidc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post', 'none']);
    assert.ok(oidc.scopes_supported.includes('openid'));
  });

  it('serves public keys only: current, next (and previous after a rotation)', async () => {
    const res = await t.app.inject('/oauth/jwks');
    assert.equal(res.statusCode, 200);
    const { keys } = res.json();
    assert.equal(keys.length, 2);
    for (const k of keys) {
      assert.equal(k.kty, 'EC');
      assert.equal(k.alg, 'ES256');
      assert.equal(k.use, 'sig');
      assert.equal(k.d, undefined, 'no private part');
    }
  });
});
