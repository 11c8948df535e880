// A relying party's sign-in for a user with TOTP on: /oauth/authorize → /login
// → /mfa (ACCOUNTS' page, fed by BROWSER's login flow) → back to the client,
// in Chromium under the strict CSP (form-action must allow the final redirect).
// openid-client then gets an ID token whose amr says pwd + otp.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { generate } from 'otplib';
import type { Browser } from 'playwright-core';
import { startE2eServer, type E2eServer } from './support/server.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import { startRelyingParty, type RelyingParty } from './support/relying-party.ts';
import { createClient, createUser } from '../server/test/oauth.ts';
import { setupTotp } from '../server/mfa/totp-service.ts';

describe('authorization code flow with TOTP (Chromium)', () => {
  let s: E2eServer;
  let rp: RelyingParty;
  let browser: Browser;
  before(async () => {
    rp = await startRelyingParty();
    s = await startE2eServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await rp?.close();
  });

  it('login → /mfa → callback; the ID token says amr pwd+otp; no CSP violation', async () => {
    const redirect = `${rp.origin}/callback`;
    const c = await createClient(s.app, { name: 'MFA RP', firstParty: true, grantTypes: ['authorization_code'], redirectUris: [redirect] });
    const u = await createUser(s.app);
    const { secret } = await setupTotp(s.app, { id: u.user.id, email: u.email, name: null });
    await s.app.db.userMfa.update({ where: { userId: u.user.id }, data: { enabledAt: new Date() } });

    const config = await client.discovery(new URL(s.issuer), c.clientId, c.clientSecret, client.ClientSecretBasic(c.clientSecret!), { execute: [client.allowInsecureRequests] });
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid', state, code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });

    const page = await (await browser.newContext()).newPage();
    const csp: string[] = [];
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) csp.push(msg.text()); });
    await page.goto(url.href);
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel('Password').fill(u.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((x) => x.pathname === '/mfa');
    await screenshot(page, 'authorize-mfa-01-code');
    await page.getByLabel('Authentication code').fill(await generate({ secret }));
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.url().startsWith(redirect), { timeout: 15_000 }),
      page.getByRole('button', { name: 'Verify' }).click(),
    ]);
    const tokens = await client.authorizationCodeGrant(config, new URL(request.url()), { pkceCodeVerifier: verifier, expectedState: state, idTokenExpected: true });
    assert.deepEqual(tokens.claims()?.amr, ['pwd', 'otp']);
    assert.equal(tokens.claims()?.sub, u.user.id);
    assert.deepEqual(csp, []);
  });
});
