// GET /oauth/logout: OIDC RP-Initiated Logout 1.0. A valid id_token_hint ends
// the browser session (and the client's own session) and redirects only to a
// registered post_logout_redirect_uri; anything else asks or just says "signed out".
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, createUser, tokenRequest } from '../test/oauth.ts';
import { TestBrowser, csrfIn, location } from '../browser/test-browser.ts';
import { pkce } from './authorize-testing.ts';

const REDIRECT = 'https://rp.example.com/callback';
const AFTER = 'https://rp.example.com/signed-out';

describe('GET /oauth/logout (RP-initiated logout)', () => {
  let t: TestContext;
  let clientId: string;
  const active = (userId: string) => t.app.db.session.count({ where: { userId, revokedAt: null } });

  /** a signed-in browser plus the client's tokens from a real code flow */
  async function signedInWithTokens() {
    const u = await createUser(t.app);
    const b = new TestBrowser(t.app);
    await b.login(u.email, u.password);
    const { verifier, challenge } = pkce();
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = new URL(location(await b.get(`/oauth/authorize?${q}`))).searchParams.get('code')!;
    const tok = await tokenRequest(t.app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { method: 'none', clientId });
    assert.equal(tok.statusCode, 200, tok.body);
    return { ...u, b, idToken: tok.json().id_token as string, accessToken: tok.json().access_token as string };
  }
  const logoutUrl = (p: Record<string, string>) => `/oauth/logout?${new URLSearchParams(p)}`;

  before(async () => {
    t = await createTestApp();
    clientId = (await createClient(t.app, { name: 'RP', public: true, firstParty: true, grantTypes: ['authorization_code'], redirectUris: [REDIRECT], postLogoutRedirectUris: [AFTER] })).clientId;
  });
  after(async () => { await t.close(); });

  it('valid hint + registered URI: both sessions end, redirect there with state', async () => {
    const { b, user, idToken } = await signedInWithTokens();
    assert.equal(await active(user.id), 2, 'browser session + client session');
    const res = await b.get(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: AFTER, state: 'bye-1' }));
    assert.equal(res.statusCode, 303);
    assert.equal(location(res), `${AFTER}?state=bye-1`);
    assert.equal(await active(user.id), 0);
    assert.equal(b.cookies.has('lk_session'), false);
  });

  it('valid hint + unregistered URI: session ends, no redirect, signed-out page', async () => {
    const { b, user, idToken } = await signedInWithTokens();
    const res = await b.get(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/', state: 's' }));
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers.location, undefined);
    assert.match(res.body, /You are signed out/);
    assert.equal(await active(user.id), 0);
  });

  it('no hint: asks to confirm (GET changes nothing), POST needs CSRF, then ends the session; never redirects', async () => {
    const { b, user } = await signedInWithTokens();
    const page = await b.get(logoutUrl({ post_logout_redirect_uri: AFTER, state: 's' }));
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers.location, undefined);
    assert.match(page.body, /Sign out\?/);
    assert.equal(await active(user.id), 2);
    assert.equal((await b.post('/oauth/logout', {})).statusCode, 403);
    assert.equal(await active(user.id), 2);
    const done = await b.post('/oauth/logout', { _csrf: csrfIn(page.body)! });
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /You are signed out/);
    assert.equal((await b.get('/logout')).body.includes('You are signed out'), true);
  });

  it('a tampered hint or an access token as hint is not trusted: no redirect', async () => {
    const { b, user, idToken, accessToken } = await signedInWithTokens();
    const [h, p, s] = idToken.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const tampered = [h, Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url'), s].join('.');
    for (const hint of [tampered, accessToken, 'not.a.jwt']) {
      const res = await b.get(logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: AFTER }));
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers.location, undefined);
      assert.match(res.body, /Sign out\?/);
    }
    assert.equal(await active(user.id), 2);
  });

  it('a hint for another user than the one signed in here asks instead of signing them out', async () => {
    const one = await signedInWithTokens();
    const two = await signedInWithTokens();
    const res = await two.b.get(logoutUrl({ id_token_hint: one.idToken, post_logout_redirect_uri: AFTER }));
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Sign out\?/);
    assert.equal(await active(two.user.id), 2);
  });

  it('anonymous without hint: the signed-out page', async () => {
    const res = await new TestBrowser(t.app).get('/oauth/logout');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /You are signed out/);
  });
});
