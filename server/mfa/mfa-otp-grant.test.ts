// The password grant with TOTP on answers 403 mfa_required + mfa_token; the
// http://auth0.com/oauth/grant-type/mfa-otp grant finishes it (DESIGN §5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, decodeJwt, expectOAuthError, tokenRequest } from '../test/oauth.ts';
import { createTestUser } from '../accounts/testing.ts';
import { setupTotp, enableTotp } from './totp-service.ts';
import { MFA_OTP_GRANT } from '../oauth/grants/mfa-otp.ts';

let ctx: TestContext;
before(async () => {
  ctx = await createTestApp();
});
after(() => ctx.close());

const PW = 'violet-tractor-91-sunrise';
async function midStep() {
  const into = (Date.now() / 1000) % 30;
  const wait = into < 2 ? 2 - into : into > 27 ? 32 - into : 0;
  if (wait) await new Promise((r) => setTimeout(r, wait * 1000));
}
const code = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

test('password grant → 403 mfa_required → mfa-otp grant → tokens with amr pwd+otp; replay and other clients refused', async () => {
  const user = await createTestUser(ctx.app, { email: 'grant@example.test', password: PW });
  const { secret } = await setupTotp(ctx.app, user);
  await midStep();
  await enableTotp(ctx.app, user, await code(secret, -1));
  const { clientId, clientSecret } = await createClient(ctx.app, { grantTypes: ['password', 'refresh_token'], firstParty: true, scopes: ['openid', 'profile', 'email'] });
  const other = await createClient(ctx.app, { grantTypes: ['password'], firstParty: true });
  const auth = { method: 'basic' as const, clientId, clientSecret: clientSecret! };

  const first = await tokenRequest(ctx.app, { grant_type: 'password', username: 'grant@example.test', password: PW, scope: 'openid' }, auth);
  assert.equal(first.statusCode, 403, first.body);
  const mfaToken = expectOAuthError(first, 'mfa_required').mfa_token as string;
  assert.ok(mfaToken);

  // another client cannot finish this client's challenge
  const stolen = await tokenRequest(ctx.app, { grant_type: MFA_OTP_GRANT, mfa_token: mfaToken, otp: await code(secret) }, { method: 'basic', clientId: other.clientId, clientSecret: other.clientSecret! });
  expectOAuthError(stolen, 'invalid_grant', 400);

  const again = await tokenRequest(ctx.app, { grant_type: 'password', username: 'grant@example.test', password: PW, scope: 'openid' }, auth);
  const token2 = again.json().mfa_token as string;
  const otp = await code(secret);
  const ok = await tokenRequest(ctx.app, { grant_type: MFA_OTP_GRANT, mfa_token: token2, otp }, auth);
  assert.equal(ok.statusCode, 200, ok.body);
  const body = ok.json();
  assert.ok(body.access_token && body.refresh_token && body.id_token);
  assert.deepEqual(decodeJwt(body.id_token).payload.amr, ['pwd', 'otp']);

  // the same code again, with a fresh challenge: replay refused
  const third = (await tokenRequest(ctx.app, { grant_type: 'password', username: 'grant@example.test', password: PW }, auth)).json().mfa_token as string;
  const replay = await tokenRequest(ctx.app, { grant_type: MFA_OTP_GRANT, mfa_token: third, otp }, auth);
  const err = expectOAuthError(replay, 'invalid_grant', 400);
  assert.ok(err.mfa_token, 'a fresh mfa_token to retry with');
  // the mfa_token is single use
  expectOAuthError(await tokenRequest(ctx.app, { grant_type: MFA_OTP_GRANT, mfa_token: token2, otp: await code(secret, 1) }, auth), 'invalid_grant', 400);
  expectOAuthError(await tokenRequest(ctx.app, { grant_type: MFA_OTP_GRANT, otp: '123456' }, auth), 'invalid_request', 400);
});

test('a client without the password grant may not use mfa-otp', async () => {
  const cc = await createClient(ctx.app, { grantTypes: ['client_credentials'] });
  const res = await tokenRequest(ctx.app, { grant_type: MFA_OTP_GRANT, mfa_token: 'x'.repeat(43), otp: '123456' }, { method: 'basic', clientId: cc.clientId, clientSecret: cc.clientSecret! });
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().error, 'unauthorized_client');
});
