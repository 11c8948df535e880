// RFC 6749 §4.4 client credentials.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, decodeJwt, expectOAuthError, tokenRequest } from '../test/oauth.ts';
import { deleteClient, rotateClientSecret, updateClient } from '../clients/client-service.ts';

describe('client_credentials grant', () => {
  let t: TestContext;
  let c: { clientId: string; clientSecret?: string };
  before(async () => {
    t = await createTestApp();
    c = await createClient(t.app, { grantTypes: ['client_credentials'], scopes: ['reports:read', 'reports:write'] });
  });
  after(async () => { await t.close(); });
  const auth = () => ({ method: 'basic' as const, clientId: c.clientId, clientSecret: c.clientSecret! });

  it('issues an RFC 9068 access token for the client itself, without a refresh token', async () => {
    const res = await tokenRequest(t.app, { grant_type: 'client_credentials', scope: 'reports:read' }, auth());
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.refresh_token, undefined);
    assert.equal(body.id_token, undefined);
    assert.equal(body.scope, 'reports:read');
    assert.equal(body.expires_in, t.config.accessTokenTtl);
    const { header, payload } = decodeJwt(body.access_token);
    assert.equal(header.typ, 'at+jwt');
    assert.equal(header.alg, 'ES256');
    assert.ok(header.kid);
    assert.equal(payload.iss, t.config.issuer);
    assert.equal(payload.sub, c.clientId);
    assert.equal(payload.client_id, c.clientId);
    assert.equal(payload.aud, c.clientId);
    assert.equal(payload.exp - payload.iat, t.config.accessTokenTtl);
    assert.ok(payload.jti);
    assert.deepEqual(payload.permissions, ['reports:read']);
  });

  it('defaults to every scope the client holds and sets aud from resource (RFC 8707)', async () => {
    const res = await tokenRequest(t.app, { grant_type: 'client_credentials', resource: 'https://api.example.com/' }, auth());
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().scope, 'reports:read reports:write');
    assert.equal(decodeJwt(res.json().access_token).payload.aud, 'https://api.example.com/');
  });

  it('refuses a scope the client was not given, and a relative resource', async () => {
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials', scope: 'users:write' }, auth()), 'invalid_scope', 400);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials', resource: '/api' }, auth()), 'invalid_target', 400);
  });

  it('a client already in memory: a rotated secret, disabling and deletion refuse the next request', async () => {
    const own = await createClient(t.app, { grantTypes: ['client_credentials'] });
    const basic = (secret: string) => ({ method: 'basic' as const, clientId: own.clientId, clientSecret: secret });
    assert.equal((await tokenRequest(t.app, { grant_type: 'client_credentials' }, basic(own.clientSecret!))).statusCode, 200);
    const rotated = (await rotateClientSecret(t.app, own.clientId))!.clientSecret;
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials' }, basic(own.clientSecret!)), 'invalid_client', 401);
    assert.equal((await tokenRequest(t.app, { grant_type: 'client_credentials' }, basic(rotated))).statusCode, 200);
    await updateClient(t.app, own.clientId, { disabled: true });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials' }, basic(rotated)), 'invalid_client', 401);
    await updateClient(t.app, own.clientId, { disabled: false });
    assert.equal((await tokenRequest(t.app, { grant_type: 'client_credentials' }, basic(rotated))).statusCode, 200);
    await deleteClient(t.app, own.clientId);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials' }, basic(rotated)), 'invalid_client', 401);
  });

  it('reads Basic credentials that are form-encoded, in the url-safe base64 alphabet, or raw UTF-8', async () => {
    const id = 'cc+odd%id';
    const odd = await createClient(t.app, { id, grantTypes: ['client_credentials'] });
    const enc = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
    const header = (raw: string) => ({ authorization: 'Basic ' + raw, 'content-type': 'application/x-www-form-urlencoded' });
    const encoded = Buffer.from(`${enc(id)}:${enc(odd.clientSecret!)}`).toString('base64');
    const post = (raw: string) => t.app.inject({ method: 'POST', url: '/oauth/token', headers: header(raw), payload: 'grant_type=client_credentials' });
    assert.equal((await post(encoded)).statusCode, 200, 'percent-encoded parts');
    const urlSafe = Buffer.from(`${enc(id)}:${enc(odd.clientSecret!)}`).toString('base64url');
    assert.equal((await post(urlSafe)).statusCode, 200, 'base64url, no padding');
    const accented = await createClient(t.app, { id: 'clïent-ü', grantTypes: ['client_credentials'] });
    const rawUtf8 = Buffer.from(`clïent-ü:${accented.clientSecret!}`).toString('base64');
    assert.equal((await post(rawUtf8)).statusCode, 200, 'UTF-8 sent without form-encoding is read as UTF-8');
  });

  it('refuses a client not allowed the grant', async () => {
    const other = await createClient(t.app, { grantTypes: ['authorization_code'], redirectUris: ['https://app.example.com/cb'] });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'basic', clientId: other.clientId, clientSecret: other.clientSecret! }), 'unauthorized_client', 400);
  });
});
