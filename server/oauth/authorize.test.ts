// GET /oauth/authorize: RFC 6749 §4.1 + RFC 7636 (S256 only) + OIDC Core
// §3.1.2. Error paths (which are shown, which are redirected), sign-in round
// trip, prompt/max_age, consent remembered, and the code working at /oauth/token.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, createUser, decodeJwt, tokenRequest } from '../test/oauth.ts';
import { TestBrowser, csrfIn, location } from '../browser/test-browser.ts';
import { authorizeUrl, pkce } from './authorize-testing.ts';
import { listConsents, revokeConsent } from './authorize-consent.ts';

const REDIRECT = 'https://rp.example.com/callback';

describe('GET /oauth/authorize', () => {
  let t: TestContext;
  let firstParty: string;
  let thirdParty: string;
  let thirdSecret: string;
  let noCodeGrant: string;
  const { challenge, verifier } = pkce();
  const base = (clientId: string, extra: Record<string, string | undefined> = {}) => ({
    response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, scope: 'openid email', state: 'st-123', nonce: 'n-1',
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  });
  const errorOf = (res: { headers: Record<string, unknown> }) => {
    const url = new URL(String(res.headers.location));
    return { origin: url.origin + url.pathname, params: Object.fromEntries(url.searchParams) };
  };
  async function signedIn(opts: { roles?: string[] } = {}) {
    const u = await createUser(t.app, opts);
    const b = new TestBrowser(t.app);
    assert.equal((await b.login(u.email, u.password)).statusCode, 303);
    return { ...u, b };
  }

  before(async () => {
    t = await createTestApp();
    firstParty = (await createClient(t.app, { name: 'Our app', grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT, 'https://rp.example.com/other'], firstParty: true, public: true })).clientId;
    const third = await createClient(t.app, { name: 'Partner App', grantTypes: ['authorization_code'], redirectUris: [REDIRECT], scopes: ['openid', 'email', 'profile'] });
    thirdParty = third.clientId;
    thirdSecret = third.clientSecret!;
    noCodeGrant = (await createClient(t.app, { name: 'Machine', grantTypes: ['client_credentials'], redirectUris: [REDIRECT] })).clientId;
  });
  after(async () => { await t.close(); });

  describe('errors shown on a page, never redirected (client or redirect URI untrusted)', () => {
    const cases: Array<[string, () => Record<string, string | undefined>]> = [
      ['unknown client', () => base('no-such-client')],
      ['missing client_id', () => base(firstParty, { client_id: undefined })],
      ['unregistered redirect_uri', () => base(firstParty, { redirect_uri: 'https://evil.example/callback' })],
      ['redirect_uri with an extra path', () => base(firstParty, { redirect_uri: `${REDIRECT}/../evil` })],
      ['redirect_uri with an extra query', () => base(firstParty, { redirect_uri: `${REDIRECT}?x=1` })],
      ['redirect_uri differing in case', () => base(firstParty, { redirect_uri: REDIRECT.toUpperCase() })],
      ['missing redirect_uri when several are registered', () => base(firstParty, { redirect_uri: undefined })],
    ];
    for (const [name, params] of cases) {
      it(name, async () => {
        const res = await new TestBrowser(t.app).get(authorizeUrl(params()));
        assert.equal(res.statusCode, 400, res.body);
        assert.equal(res.headers.location, undefined);
        assert.match(res.headers['content-type'] as string, /text\/html/);
        assert.doesNotMatch(res.body, /evil\.example/);
      });
    }
    it('a disabled client', async () => {
      const c = await createClient(t.app, { grantTypes: ['authorization_code'], redirectUris: [REDIRECT] });
      await t.app.db.client.update({ where: { id: c.clientId }, data: { disabledAt: new Date() } });
      const res = await new TestBrowser(t.app).get(authorizeUrl(base(c.clientId)));
      assert.equal(res.statusCode, 400);
      assert.equal(res.headers.location, undefined);
    });
  });

  describe('errors redirected to the client with state and iss (RFC 6749 §4.1.2.1, RFC 9207)', () => {
    const cases: Array<[string, () => Record<string, string | undefined>, string]> = [
      ['missing PKCE challenge', () => base(firstParty, { code_challenge: undefined, code_challenge_method: undefined }), 'invalid_request'],
      ['PKCE method plain', () => base(firstParty, { code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) }), 'invalid_request'],
      ['PKCE method omitted (defaults to plain)', () => base(firstParty, { code_challenge_method: undefined }), 'invalid_request'],
      ['malformed challenge', () => base(firstParty, { code_challenge: 'short' }), 'invalid_request'],
      ['missing response_type', () => base(firstParty, { response_type: undefined }), 'invalid_request'],
      ['response_type=token', () => base(firstParty, { response_type: 'token' }), 'unsupported_response_type'],
      ['response_type=code id_token', () => base(firstParty, { response_type: 'code id_token' }), 'unsupported_response_type'],
      ['a scope the client may not ask for', () => base(thirdParty, { scope: 'openid users:write' }), 'invalid_scope'],
      ['offline_access not registered for the client', () => base(thirdParty, { scope: 'openid offline_access' }), 'invalid_scope'],
      ['unknown prompt', () => base(firstParty, { prompt: 'sideways' }), 'invalid_request'],
      ['prompt=none with login', () => base(firstParty, { prompt: 'none login' }), 'invalid_request'],
      ['negative max_age', () => base(firstParty, { max_age: '-1' }), 'invalid_request'],
      ['request object', () => base(firstParty, { request: 'eyJ...' }), 'request_not_supported'],
      ['response_mode=fragment', () => base(firstParty, { response_mode: 'fragment' }), 'invalid_request'],
      ['a client without the authorization_code grant', () => base(noCodeGrant), 'unauthorized_client'],
      ['prompt=none without a session', () => base(firstParty, { prompt: 'none' }), 'login_required'],
    ];
    for (const [name, params, error] of cases) {
      it(`${name} → ${error}`, async () => {
        const res = await new TestBrowser(t.app).get(authorizeUrl(params()));
        assert.equal(res.statusCode, 303, res.body);
        const { origin, params: p } = errorOf(res);
        assert.equal(origin, REDIRECT);
        assert.equal(p.error, error);
        assert.equal(typeof p.error_description, 'string');
        assert.equal(p.state, 'st-123');
        assert.equal(p.iss, t.config.issuer);
        assert.equal(p.code, undefined);
      });
    }
    it('a repeated parameter → invalid_request', async () => {
      const res = await new TestBrowser(t.app).get(authorizeUrl(base(firstParty)) + '&scope=profile');
      assert.equal(res.statusCode, 303);
      assert.equal(errorOf(res).params.error, 'invalid_request');
    });
  });

  it('anonymous → /login?return_to=<this request>; after sign-in, a code for a first-party client without consent', async () => {
    const { email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    const url = authorizeUrl(base(firstParty, { login_hint: email }));
    const first = await b.get(url);
    assert.equal(first.statusCode, 303);
    const login = new URL(location(first), 'http://x');
    assert.equal(login.pathname, '/login');
    assert.equal(login.searchParams.get('return_to'), url);
    const form = await b.get(location(first));
    assert.match(form.body, new RegExp(`value="${email.replace(/\./g, '\\.')}"`), 'login_hint prefills the email');
    const signed = await b.post('/login', { _csrf: csrfIn(form.body)!, email, password, return_to: url });
    assert.equal(location(signed), url);
    const res = await b.get(url);
    assert.equal(res.statusCode, 303);
    const { origin, params } = errorOf(res);
    assert.equal(origin, REDIRECT);
    assert.ok(params.code && params.code.length >= 43);
    assert.equal(params.state, 'st-123');
    assert.equal(params.iss, t.config.issuer);

    // the code works once at the token endpoint, with the verifier
    const tok = await tokenRequest(t.app, { grant_type: 'authorization_code', code: params.code, redirect_uri: REDIRECT, code_verifier: verifier }, { method: 'none', clientId: firstParty });
    assert.equal(tok.statusCode, 200, tok.body);
    const id = decodeJwt(tok.json().id_token).payload;
    assert.equal(id.nonce, 'n-1');
    assert.deepEqual(id.amr, ['pwd']);
  });

  it('native apps: a loopback redirect URI registered without a port matches any port (RFC 8252 §7.3), nothing else does', async () => {
    const app = await createClient(t.app, { name: 'CLI', public: true, firstParty: true, grantTypes: ['authorization_code'], redirectUris: ['http://127.0.0.1/callback'] });
    const { b } = await signedIn();
    const ok = await b.get(authorizeUrl(base(app.clientId, { redirect_uri: 'http://127.0.0.1:53124/callback' })));
    assert.equal(ok.statusCode, 303);
    const back = new URL(location(ok));
    assert.equal(back.origin + back.pathname, 'http://127.0.0.1:53124/callback');
    const code = back.searchParams.get('code')!;
    const tok = await tokenRequest(t.app, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:53124/callback', code_verifier: verifier }, { method: 'none', clientId: app.clientId });
    assert.equal(tok.statusCode, 200, tok.body);
    for (const bad of ['http://127.0.0.1:53124/other', 'http://localhost:53124/callback', 'https://127.0.0.1:53124/callback']) {
      const res = await b.get(authorizeUrl(base(app.clientId, { redirect_uri: bad })));
      assert.equal(res.statusCode, 400, bad);
      assert.equal(res.headers.location, undefined);
    }
  });

  it('the code is bound to the PKCE verifier', async () => {
    const { b } = await signedIn();
    const res = await b.get(authorizeUrl(base(firstParty)));
    const code = errorOf(res).params.code!;
    const wrong = await tokenRequest(t.app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: pkce().verifier }, { method: 'none', clientId: firstParty });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().error, 'invalid_grant');
  });

  it('prompt=none with a session issues a code at once', async () => {
    const { b } = await signedIn();
    const { params } = errorOf(await b.get(authorizeUrl(base(firstParty, { prompt: 'none' }))));
    assert.ok(params.code);
  });

  it('prompt=none with an id_token_hint of another user → login_required; of this user → a code', async () => {
    const idTokenOf = async (b: TestBrowser) => {
      const code = errorOf(await b.get(authorizeUrl(base(firstParty)))).params.code!;
      const tok = await tokenRequest(t.app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { method: 'none', clientId: firstParty });
      return tok.json().id_token as string;
    };
    const one = await signedIn();
    const two = await signedIn();
    const hintOne = await idTokenOf(one.b);
    assert.equal(errorOf(await two.b.get(authorizeUrl(base(firstParty, { prompt: 'none', id_token_hint: hintOne })))).params.error, 'login_required');
    assert.equal(errorOf(await two.b.get(authorizeUrl(base(firstParty, { prompt: 'none', id_token_hint: 'garbage' })))).params.error, 'login_required');
    assert.ok(errorOf(await one.b.get(authorizeUrl(base(firstParty, { prompt: 'none', id_token_hint: hintOne })))).params.code);
  });

  it('prompt=login asks for the password again even when signed in; the way back drops prompt=login', async () => {
    const { b, email, password } = await signedIn();
    const res = await b.get(authorizeUrl(base(firstParty, { prompt: 'login', max_age: '600' })));
    assert.equal(res.statusCode, 303);
    const login = new URL(location(res), 'http://x');
    assert.equal(login.pathname, '/login');
    assert.equal(login.searchParams.get('reauth'), '1');
    const back = login.searchParams.get('return_to')!;
    assert.doesNotMatch(back, /prompt=|max_age=/);
    const form = await b.get(location(res));
    assert.equal(form.statusCode, 200, 'the form is shown although signed in');
    const done = await b.post('/login', { _csrf: csrfIn(form.body)!, email, password, return_to: back });
    assert.equal(location(done), back);
    assert.ok(errorOf(await b.get(back)).params.code);
  });

  it('max_age: an old sign-in must sign in again; a recent one passes', async () => {
    const { b, user } = await signedIn();
    assert.ok(errorOf(await b.get(authorizeUrl(base(firstParty, { max_age: '3600' })))).params.code);
    await t.app.db.session.updateMany({ where: { userId: user.id, clientId: 'latchkey' }, data: { authTime: new Date(Date.now() - 7200_000) } });
    const res = await b.get(authorizeUrl(base(firstParty, { max_age: '3600' })));
    assert.match(location(res), /^\/login\?/);
    const none = await b.get(authorizeUrl(base(firstParty, { max_age: '3600', prompt: 'none' })));
    assert.equal(errorOf(none).params.error, 'login_required');
  });

  describe('consent for third-party clients', () => {
    it('asks once (POST with CSRF), remembers the granted scopes, asks again for new ones and for prompt=consent', async () => {
      const { b, user } = await signedIn();
      const url = authorizeUrl(base(thirdParty));
      const page = await b.get(url);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Allow Partner App access\?/);
      assert.match(page.body, /email address/);
      const consentId = /name="consent_id" value="([^"]+)"/.exec(page.body)![1]!;
      // without the CSRF token: refused, nothing recorded, no code
      const forged = await b.post('/oauth/authorize/consent', { consent_id: consentId, decision: 'allow' });
      assert.equal(forged.statusCode, 403);
      assert.equal(await t.app.db.consent.count({ where: { userId: user.id } }), 0);

      const allowed = await b.post('/oauth/authorize/consent', { _csrf: csrfIn(page.body)!, consent_id: consentId, decision: 'allow' });
      assert.equal(allowed.statusCode, 303);
      const code = errorOf(allowed).params.code!;
      assert.equal(errorOf(allowed).params.state, 'st-123');
      const row = await t.app.db.consent.findUniqueOrThrow({ where: { userId_clientId: { userId: user.id, clientId: thirdParty } } });
      assert.deepEqual([...row.scopes].sort(), ['email', 'openid']);
      const tok = await tokenRequest(t.app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { method: 'basic', clientId: thirdParty, clientSecret: thirdSecret });
      assert.equal(tok.statusCode, 200, tok.body);

      // the consent id is single use
      const replay = await b.post('/oauth/authorize/consent', { _csrf: csrfIn(page.body)!, consent_id: consentId, decision: 'allow' });
      assert.equal(replay.statusCode, 400);

      // remembered: no page this time, even with prompt=none
      assert.ok(errorOf(await b.get(url)).params.code);
      assert.ok(errorOf(await b.get(authorizeUrl(base(thirdParty, { prompt: 'none' })))).params.code);
      // a new scope: asked again (and prompt=none cannot)
      assert.equal(errorOf(await b.get(authorizeUrl(base(thirdParty, { scope: 'openid profile', prompt: 'none' })))).params.error, 'consent_required');
      assert.equal((await b.get(authorizeUrl(base(thirdParty, { scope: 'openid profile' })))).statusCode, 200);
      // prompt=consent: asked again
      assert.equal((await b.get(authorizeUrl(base(thirdParty, { prompt: 'consent' })))).statusCode, 200);
    });

    it('revokeConsent withdraws the consent and ends the client\'s sessions for the user; listConsents shows what is granted', async () => {
      const { b, user } = await signedIn();
      const page = await b.get(authorizeUrl(base(thirdParty)));
      const consentId = /name="consent_id" value="([^"]+)"/.exec(page.body)![1]!;
      const code = errorOf(await b.post('/oauth/authorize/consent', { _csrf: csrfIn(page.body)!, consent_id: consentId, decision: 'allow' })).params.code!;
      const tok = await tokenRequest(t.app, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }, { method: 'basic', clientId: thirdParty, clientSecret: thirdSecret });
      assert.equal(tok.statusCode, 200, tok.body);
      const listed = await listConsents(t.app, user.id);
      assert.deepEqual(listed.map((c) => [c.clientId, c.clientName]), [[thirdParty, 'Partner App']]);
      assert.equal(await revokeConsent(t.app, user.id, thirdParty), true);
      assert.deepEqual(await listConsents(t.app, user.id), []);
      assert.equal(await t.app.db.session.count({ where: { userId: user.id, clientId: thirdParty, revokedAt: null } }), 0);
      assert.equal((await b.get(authorizeUrl(base(thirdParty)))).statusCode, 200, 'asked again');
    });

    it('deny → access_denied at the client, nothing remembered', async () => {
      const { b, user } = await signedIn();
      const page = await b.get(authorizeUrl(base(thirdParty)));
      const consentId = /name="consent_id" value="([^"]+)"/.exec(page.body)![1]!;
      const denied = await b.post('/oauth/authorize/consent', { _csrf: csrfIn(page.body)!, consent_id: consentId, decision: 'deny' });
      const { params } = errorOf(denied);
      assert.equal(params.error, 'access_denied');
      assert.equal(params.state, 'st-123');
      assert.equal(params.iss, t.config.issuer);
      assert.equal(await t.app.db.consent.count({ where: { userId: user.id } }), 0);
    });

    it('a consent decision from another signed-in user is refused', async () => {
      const one = await signedIn();
      const page = await one.b.get(authorizeUrl(base(thirdParty)));
      const consentId = /name="consent_id" value="([^"]+)"/.exec(page.body)![1]!;
      const two = await signedIn();
      const _csrf = await two.b.csrf('/logout');
      const res = await two.b.post('/oauth/authorize/consent', { _csrf, consent_id: consentId, decision: 'allow' });
      assert.equal(res.statusCode, 400);
      assert.equal(res.headers.location, undefined);
    });
  });

  it('CSP form-action is widened to the client redirect origin only on pages whose form leads there', async () => {
    const formAction = (res: { headers: Record<string, unknown> }) => /form-action ([^;]+)/.exec(String(res.headers['content-security-policy']))![1]!.trim();
    const anon = new TestBrowser(t.app);
    const toLogin = await anon.get(authorizeUrl(base(thirdParty)));
    assert.equal(formAction(await anon.get(location(toLogin))), "'self' https://rp.example.com");
    assert.equal(formAction(await anon.get('/login?return_to=%2Faccount')), "'self'");
    // a redirect_uri the client did not register widens nothing
    assert.equal(formAction(await anon.get(`/login?return_to=${encodeURIComponent(authorizeUrl(base(thirdParty, { redirect_uri: 'https://evil.example/cb' })))}`)), "'self'");
    const { b } = await signedIn();
    const consent = await b.get(authorizeUrl(base(thirdParty)));
    assert.equal(consent.statusCode, 200);
    assert.equal(formAction(consent), "'self' https://rp.example.com");
    // the /mfa step of an authorize sign-in (its form ends at the client too)
    const mfaUser = await createUser(t.app);
    await t.app.db.userMfa.create({ data: { userId: mfaUser.user.id, secretEnc: 'x', enabledAt: new Date() } });
    const m = new TestBrowser(t.app);
    const toMfa = await m.login(mfaUser.email, mfaUser.password, authorizeUrl(base(thirdParty)));
    assert.match(location(toMfa), /^\/mfa\?flow=/);
    const mfaPage = await m.get(location(toMfa));
    assert.equal(mfaPage.statusCode, 200, mfaPage.body);
    assert.equal(formAction(mfaPage), "'self' https://rp.example.com");
  });

  it('POST /oauth/authorize is turned into the GET', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/oauth/authorize', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(base(firstParty) as Record<string, string>).toString() });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^\/oauth\/authorize\?response_type=code&client_id=/);
  });

  it('nothing a client sends makes it answer 5xx', async () => {
    const b = new TestBrowser(t.app);
    for (const q of ['client_id[]=x', `client_id=${firstParty}&redirect_uri[a]=b`, `client_id=${firstParty}&redirect_uri=${encodeURIComponent(REDIRECT)}&state=${'x'.repeat(5000)}`, `client_id=${'%00'.repeat(10)}`, `client_id=${firstParty}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=%00`]) {
      const res = await b.get(`/oauth/authorize?${q}`);
      assert.ok(res.statusCode < 500, `${q} → ${res.statusCode}`);
    }
  });
});
