// RFC 6749 §4.1.3 code exchange with PKCE (RFC 7636, S256 only). Codes are
// minted with createAuthorizationCode as /oauth/authorize does.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, createUser, decodeJwt, expectOAuthError, tokenRequest } from '../test/oauth.ts';
import { createAuthorizationCode } from './authorization-code.ts';
import { createSession, isSessionActive, revokeSession } from '../sessions/session-service.ts';

const REDIRECT = 'https://app.example.com/callback';

describe('authorization_code grant', () => {
  let t: TestContext;
  let conf: { clientId: string; clientSecret?: string };
  let pub: { clientId: string };
  before(async () => {
    t = await createTestApp();
    conf = await createClient(t.app, { grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] });
    pub = await createClient(t.app, { grantTypes: ['authorization_code'], redirectUris: [REDIRECT], public: true });
  });
  after(async () => { await t.close(); });

  async function code(clientId: string, extra: { scope?: string; nonce?: string } = {}) {
    const { user } = await createUser(t.app);
    const browser = await createSession(t.app, { userId: user.id, clientId: 'latchkey', amr: ['pwd', 'otp'] });
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const c = await createAuthorizationCode(t.app, { clientId, userId: user.id, sessionId: browser.id, redirectUri: REDIRECT, scope: extra.scope ?? 'openid email offline_access', codeChallenge: challenge, nonce: extra.nonce, authTime: browser.authTime, amr: ['pwd', 'otp'] });
    return { code: c, verifier, user, browser };
  }
  const confAuth = () => ({ method: 'basic' as const, clientId: conf.clientId, clientSecret: conf.clientSecret! });

  it('exchanges a code once for tokens with nonce, amr and auth_time in the ID token', async () => {
    const c = await code(conf.clientId, { nonce: 'n-123' });
    const res = await tokenRequest(t.app, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, confAuth());
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.ok(body.refresh_token);
    const id = decodeJwt(body.id_token).payload;
    assert.equal(id.nonce, 'n-123');
    assert.deepEqual(id.amr, ['pwd', 'otp']);
    assert.equal(id.auth_time, Math.floor(c.browser.authTime.getTime() / 1000));
    assert.equal(id.aud, conf.clientId);
    assert.equal(decodeJwt(body.access_token).payload.sub, c.user.id);
  });

  it('a public client authenticates with PKCE alone', async () => {
    const c = await code(pub.clientId);
    const res = await tokenRequest(t.app, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, { method: 'none', clientId: pub.clientId });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().refresh_token, undefined, 'this client may not refresh');
  });

  it('a replayed code fails and revokes the session it produced', async () => {
    const c = await code(conf.clientId);
    const first = await tokenRequest(t.app, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, confAuth());
    const sid = decodeJwt(first.json().access_token).payload.sid;
    assert.equal(await isSessionActive(t.app, sid), true);
    const replay = await tokenRequest(t.app, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, confAuth());
    expectOAuthError(replay, 'invalid_grant', 400);
    assert.equal(await isSessionActive(t.app, sid), false);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: first.json().refresh_token }, confAuth()), 'invalid_grant', 400);
  });

  it('binds the code to its client, redirect URI and verifier', async () => {
    const a = await code(conf.clientId);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'authorization_code', code: a.code, redirect_uri: 'https://app.example.com/other', code_verifier: a.verifier }, confAuth()), 'invalid_grant', 400);
    const b = await code(conf.clientId);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'authorization_code', code: b.code, redirect_uri: REDIRECT, code_verifier: randomBytes(32).toString('base64url') }, confAuth()), 'invalid_grant', 400);
    const c = await code(conf.clientId);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, { method: 'none', clientId: pub.clientId }), 'invalid_grant', 400);
    const d = await code(conf.clientId);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'authorization_code', code: d.code, redirect_uri: REDIRECT }, confAuth()), 'invalid_request', 400);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'authorization_code', code: 'made-up', redirect_uri: REDIRECT, code_verifier: d.verifier }, confAuth()), 'invalid_grant', 400);
  });

  it('a code dies with the browser session that approved it', async () => {
    const c = await code(conf.clientId);
    await revokeSession(t.app, c.browser.id, 'logout');
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'authorization_code', code: c.code, redirect_uri: REDIRECT, code_verifier: c.verifier }, confAuth()), 'invalid_grant', 400);
  });
});
