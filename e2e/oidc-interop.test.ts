// Interoperability: standard relying-party libraries integrate with Latchkey
// using nothing but its issuer URL. panva's openid-client (v6) discovers the
// server and runs authorization code + PKCE, driving Latchkey's own /login and
// consent pages in Debian's Chromium; then refresh, userinfo, introspection,
// revocation, client credentials and RP-initiated logout. oauth4webapi then
// repeats the flow with its strictest validation of every response (including
// RFC 9068 validation of the JWT access token and RFC 9207 `iss`).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import * as oauth from 'oauth4webapi';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './support/server.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import { startRelyingParty, type RelyingParty } from './support/relying-party.ts';
import { createClient, createUser } from '../server/test/oauth.ts';

describe('OIDC interoperability (openid-client v6 + oauth4webapi, Chromium)', () => {
  let s: E2eServer;
  let rp: RelyingParty;
  let REDIRECT: string;
  let AFTER_LOGOUT: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let clientId: string;
  let clientSecret: string;
  let user: { id: string; email: string; password: string };
  let config: client.Configuration;
  const cspViolations: string[] = [];

  /** runs the browser action and returns the URL the browser was sent to at the relying party */
  async function captureCallback(trigger: () => Promise<unknown>, prefix = REDIRECT): Promise<URL> {
    const [request] = await Promise.all([page.waitForRequest((r) => r.url().startsWith(prefix), { timeout: 15_000 }), trigger()]);
    await page.waitForURL((u) => u.href.startsWith(prefix));
    return new URL(request.url());
  }

  before(async () => {
    rp = await startRelyingParty();
    REDIRECT = `${rp.origin}/callback`;
    AFTER_LOGOUT = `${rp.origin}/bye`;
    s = await startE2eServer({ env: { REQUIRE_EMAIL_VERIFICATION: 'true' } });
    const c = await createClient(s.app, {
      name: 'Interop RP',
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
      redirectUris: [REDIRECT],
      postLogoutRedirectUris: [AFTER_LOGOUT],
      scopes: ['openid', 'profile', 'email', 'offline_access', 'reports:read'],
    });
    clientId = c.clientId;
    clientSecret = c.clientSecret!;
    const u = await createUser(s.app, { name: 'Ada Lovelace' });
    user = { id: u.user.id, email: u.email, password: u.password };

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    page = await context.newPage();
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text()); });
  });

  after(async () => {
    await browser?.close();
    await s?.close();
    await rp?.close();
  });

  it('openid-client discovers Latchkey from its issuer URL', async () => {
    config = await client.discovery(new URL(s.issuer), clientId, clientSecret, client.ClientSecretBasic(clientSecret), {
      execute: [client.allowInsecureRequests], // the test server is plain http on 127.0.0.1
    });
    const md = config.serverMetadata();
    assert.equal(md.issuer, s.issuer);
    assert.equal(md.authorization_endpoint, `${s.issuer}/oauth/authorize`);
    assert.deepEqual(md.code_challenge_methods_supported, ['S256']);
    assert.equal(md.end_session_endpoint, `${s.issuer}/oauth/logout`);
  });

  let tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

  it('authorization code + PKCE through /login and the consent page in Chromium', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT, scope: 'openid profile email offline_access', state, nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    });

    await page.goto(url.href);
    assert.match(new URL(page.url()).pathname, /^\/login$/);
    await screenshot(page, 'interop-01-login');
    assert.equal(await page.getByText('to continue to').isVisible(), true);

    // a wrong password first: the inline error, tied to the inputs
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#login-error');
    assert.equal(await page.getByRole('alert').innerText(), 'Incorrect email or password.');
    assert.equal(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true');
    await screenshot(page, 'interop-02-login-error');

    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/oauth/authorize');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Allow Interop RP access?');
    await screenshot(page, 'interop-03-consent');

    const callback = await captureCallback(() => page.getByRole('button', { name: 'Allow' }).click());
    assert.equal(callback.searchParams.get('iss'), s.issuer);
    await screenshot(page, 'interop-04-callback');

    tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.ok(tokens.refresh_token);
    const claims = tokens.claims()!;
    assert.equal(claims.sub, user.id);
    assert.equal(claims.iss, s.issuer);
    assert.equal(claims.aud, clientId);
    assert.equal(claims.nonce, nonce);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.equal(typeof claims.auth_time, 'number');
  });

  it('userinfo', async () => {
    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    assert.equal(info.sub, user.id);
    assert.equal(info.email, user.email);
    assert.equal(info.email_verified, true);
    assert.equal(info.name, 'Ada Lovelace');
  });

  it('introspection says active, refresh rotates, the old refresh token is refused', async () => {
    const intro = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(intro.active, true);
    assert.equal(intro.sub, user.id);
    assert.equal(intro.client_id, clientId);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    assert.ok(refreshed.access_token && refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal(refreshed.claims()?.sub, user.id);
    await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), (err: Error & { error?: string }) => err.error === 'invalid_grant');
    // reuse of a rotated token ended the whole family (DESIGN §4)
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);
  });

  it('revocation (RFC 7009) ends the tokens of a session at once', async () => {
    // a fresh session without consent screen (remembered) and without a password (browser session)
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid offline_access', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const callback = await captureCallback(() => page.goto(url.href));
    const t2 = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.equal((await client.tokenIntrospection(config, t2.access_token)).active, true);
    await client.tokenRevocation(config, t2.refresh_token!);
    assert.equal((await client.tokenIntrospection(config, t2.access_token)).active, false);
    await assert.rejects(client.refreshTokenGrant(config, t2.refresh_token!));
  });

  it('client credentials', async () => {
    const cc = await client.clientCredentialsGrant(config, { scope: 'reports:read' });
    assert.equal(cc.scope, 'reports:read');
    assert.equal(cc.refresh_token, undefined);
    assert.equal(cc.id_token, undefined);
    const intro = await client.tokenIntrospection(config, cc.access_token);
    assert.equal(intro.active, true);
    assert.equal(intro.client_id, clientId);
  });

  it('oauth4webapi: strict validation of discovery, the authorization response, ID token, JWT access token, userinfo, refresh, introspection, revocation and client credentials', async () => {
    const issuer = new URL(s.issuer);
    const opts = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...opts, algorithm: 'oidc' }));
    const rp: oauth.Client = { client_id: clientId };
    const auth = oauth.ClientSecretPost(clientSecret);

    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: clientId, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid email', state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).toString();
    const callback = await captureCallback(() => page.goto(url.href));

    const params = oauth.validateAuthResponse(as, rp, callback, state);
    const codeRes = await oauth.authorizationCodeGrantRequest(as, rp, auth, params, REDIRECT, verifier, opts);
    const result = await oauth.processAuthorizationCodeResponse(as, rp, codeRes, { expectedNonce: nonce, requireIdToken: true });
    const idClaims = oauth.getValidatedIdTokenClaims(result)!;
    assert.equal(idClaims.sub, user.id);

    // RFC 9068: the access token is a JWT that a resource server can validate on its own
    const at = await oauth.validateJwtAccessToken(as, new Request('https://api.example.test/', { headers: { authorization: `Bearer ${result.access_token}` } }), clientId, opts);
    assert.equal(at.sub, user.id);
    assert.equal(at.client_id, clientId);

    const info = await oauth.processUserInfoResponse(as, rp, user.id, await oauth.userInfoRequest(as, rp, result.access_token, opts));
    assert.equal(info.email, user.email);

    const refreshed = await oauth.processRefreshTokenResponse(as, rp, await oauth.refreshTokenGrantRequest(as, rp, auth, result.refresh_token!, opts));
    assert.ok(refreshed.access_token);

    const intro = await oauth.processIntrospectionResponse(as, rp, await oauth.introspectionRequest(as, rp, auth, refreshed.access_token, opts));
    assert.equal(intro.active, true);

    await oauth.processRevocationResponse(await oauth.revocationRequest(as, rp, auth, refreshed.refresh_token!, opts));
    const after = await oauth.processIntrospectionResponse(as, rp, await oauth.introspectionRequest(as, rp, auth, refreshed.access_token, opts));
    assert.equal(after.active, false);

    const cc = await oauth.processClientCredentialsResponse(as, rp, await oauth.clientCredentialsGrantRequest(as, rp, auth, new URLSearchParams({ scope: 'reports:read' }), opts));
    assert.equal(cc.token_type, 'bearer');
  });

  it('a public first-party client (auth method none, PKCE): no consent page, a code at once for the signed-in browser', async () => {
    const pub = await createClient(s.app, { name: 'Latchkey SPA', public: true, firstParty: true, grantTypes: ['authorization_code', 'refresh_token'], redirectUris: [REDIRECT] });
    const pubConfig = await client.discovery(new URL(s.issuer), pub.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(pubConfig, { redirect_uri: REDIRECT, scope: 'openid profile', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const callback = await captureCallback(() => page.goto(url.href));
    const t4 = await client.authorizationCodeGrant(pubConfig, callback, { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
    assert.equal(t4.claims()?.sub, user.id);
    assert.ok(t4.refresh_token);
    const again = await client.refreshTokenGrant(pubConfig, t4.refresh_token!);
    assert.ok(again.access_token);
  });

  it('RP-initiated logout returns to the registered URI with state; the browser session is gone', async () => {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const t3 = await client.authorizationCodeGrant(config, await captureCallback(() => page.goto(url.href)), { pkceCodeVerifier: verifier, expectedState: state });

    const end = client.buildEndSessionUrl(config, { id_token_hint: t3.id_token!, post_logout_redirect_uri: AFTER_LOGOUT, state: 'logout-state' });
    const back = await captureCallback(() => page.goto(end.href), AFTER_LOGOUT);
    assert.equal(back.searchParams.get('state'), 'logout-state');

    // no browser session: prompt=none now answers login_required
    const none = client.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', prompt: 'none', state: 's', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    const err = await captureCallback(() => page.goto(none.href));
    assert.equal(err.searchParams.get('error'), 'login_required');

    // without a hint Latchkey asks before signing anyone out, and shows where you are
    await page.goto(`${s.issuer}/oauth/logout`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'You are signed out');
    await screenshot(page, 'interop-05-signed-out');
  });

  it('the pages raised no Content-Security-Policy violation (no inline script or style)', () => {
    assert.deepEqual(cspViolations, []);
  });
});
