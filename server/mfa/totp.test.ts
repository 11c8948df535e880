// TOTP over the JSON API: setup → enable → verify at sign-in → disable, with the
// unhappy paths (wrong, replayed and drifted codes, recovery code reuse).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { createMailTestApp, type TestContext } from '../test/fixture.ts';
import type { MailCatcher } from '../test/mail-catcher.ts';
import { createTestUser, signInForTest } from '../accounts/testing.ts';
import { createMfaChallenge } from './challenge.ts';
import { decrypt, deriveKey } from '../security/crypto.ts';
import { decodeJwt } from '../test/oauth.ts';

let mail: MailCatcher;
let ctx: TestContext;
before(async () => ({ ctx, mail } = await createMailTestApp()));
after(() => ctx.close());

const PW = 'violet-tractor-91-sunrise';
let n = 0;
const now = () => Math.floor(Date.now() / 1000);
/** stay clear of a step boundary so "now ± 1 step" means what the test says */
async function midStep() {
  const into = (Date.now() / 1000) % 30;
  const wait = into < 2 ? 2 - into : into > 27 ? 32 - into : 0;
  if (wait) await new Promise((r) => setTimeout(r, wait * 1000));
}
const code = (secret: string, offsetSteps = 0) => generate({ secret, epoch: now() + offsetSteps * 30 });

async function userWithTotp(enable = true) {
  const email = `totp${++n}@example.test`;
  const user = await createTestUser(ctx.app, { email, password: PW });
  const { bearer, session } = await signInForTest(ctx.app, user.id);
  const setup = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/setup', headers: bearer });
  assert.equal(setup.statusCode, 200, setup.body);
  const { secret } = setup.json() as { secret: string };
  let recovery: string[] = [];
  if (enable) {
    await midStep();
    const res = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/enable', headers: bearer, payload: { code: await code(secret, -1) } });
    assert.equal(res.statusCode, 200, res.body);
    recovery = res.json().recovery_codes;
  }
  return { user, email, bearer, session, secret, recovery };
}

async function challenge(userId: string) {
  return createMfaChallenge(ctx.app, { userId, clientId: 'latchkey', scope: '', purpose: 'api' });
}
const verify = (payload: object) => ctx.app.inject({ method: 'POST', url: '/auth/mfa/verify', payload });

test('setup returns a secret, an otpauth URI with issuer and account, and a PNG QR code; the secret is encrypted at rest', async () => {
  const { user, email, bearer } = await userWithTotp(false);
  const res = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/setup', headers: bearer });
  const body = res.json();
  assert.match(body.secret, /^[A-Z2-7]{32}$/);
  const uri = new URL(body.otpauth_uri);
  assert.equal(uri.protocol, 'otpauth:');
  assert.ok(body.otpauth_uri.startsWith(`otpauth://totp/Latchkey:${encodeURIComponent(email)}?`), body.otpauth_uri);
  assert.equal(uri.searchParams.get('issuer'), 'Latchkey');
  assert.equal(uri.searchParams.get('secret'), body.secret);
  assert.match(body.qr_code, /^data:image\/png;base64,iVBORw0KGgo/);
  const row = await ctx.services.db.userMfa.findUniqueOrThrow({ where: { userId: user.id } });
  assert.ok(!row.secretEnc.includes(body.secret));
  assert.equal(decrypt(deriveKey(ctx.config.encryptionKey, 'totp'), row.secretEnc, user.id), body.secret);
  assert.throws(() => decrypt(deriveKey(ctx.config.encryptionKey, 'totp'), row.secretEnc, 'another-user'));
  assert.equal(row.enabledAt, null);
  // no Bearer, no setup
  assert.equal((await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/setup' })).statusCode, 401);
});

test('enable needs a valid code, returns 10 distinct recovery codes (hashed at rest), audits and mails', async () => {
  const { user, email, bearer, secret } = await userWithTotp(false);
  const wrong = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/enable', headers: bearer, payload: { code: '000000' } });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error, 'invalid_grant');
  await midStep();
  const res = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/enable', headers: bearer, payload: { code: await code(secret) } });
  assert.equal(res.statusCode, 200);
  const codes = res.json().recovery_codes as string[];
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  const rows = await ctx.services.db.recoveryCode.findMany({ where: { userId: user.id } });
  assert.equal(rows.length, 10);
  for (const c of codes) assert.ok(rows.every((r) => !r.codeHash.includes(c.replace('-', ''))));
  assert.ok((await ctx.services.db.userMfa.findUniqueOrThrow({ where: { userId: user.id } })).enabledAt);
  assert.ok(await ctx.services.db.auditEvent.findFirst({ where: { action: 'mfa.enabled', targetId: user.id } }));
  assert.match((await mail.waitFor(email, { subject: /turned on/ })).text, /turned on/);
  // a second enable or setup is refused while on
  assert.equal((await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/setup', headers: bearer })).statusCode, 409);
});

test('verify: a code finishes the sign-in with amr pwd+otp; the same code is refused the second time (replay)', async () => {
  const { user, secret } = await userWithTotp();
  await midStep();
  const current = await code(secret, 0);
  const ok = await verify({ mfa_token: await challenge(user.id), code: current });
  assert.equal(ok.statusCode, 200, ok.body);
  const tokens = ok.json();
  assert.equal(tokens.token_type, 'Bearer');
  assert.ok(tokens.refresh_token);
  const session = await ctx.services.db.session.findUniqueOrThrow({ where: { id: decodeJwt(tokens.access_token).payload.sid } });
  assert.deepEqual(session.amr, ['pwd', 'otp']);
  const login = await ctx.services.db.auditEvent.findFirst({ where: { action: 'login.succeeded', actorId: user.id }, orderBy: { id: 'desc' } });
  assert.deepEqual((login!.details as { amr: string[] }).amr, ['pwd', 'otp']);

  const replay = await verify({ mfa_token: await challenge(user.id), code: current });
  assert.equal(replay.statusCode, 401);
  assert.equal(replay.json().error, 'invalid_grant');
  assert.ok(replay.json().mfa_token, 'a fresh mfa_token to retry with');
});

test('verify: ±1 step of drift is accepted, 2 steps are not; an older step after a newer one is refused', async () => {
  const { user, secret } = await userWithTotp();
  await midStep();
  assert.equal((await verify({ mfa_token: await challenge(user.id), code: await code(secret, -2) })).statusCode, 401, '2 steps behind');
  assert.equal((await verify({ mfa_token: await challenge(user.id), code: await code(secret, 2) })).statusCode, 401, '2 steps ahead');
  assert.equal((await verify({ mfa_token: await challenge(user.id), code: await code(secret, 1) })).statusCode, 200, '1 step ahead');
  // the current step is older than the one just used: a replay window closed
  assert.equal((await verify({ mfa_token: await challenge(user.id), code: await code(secret, 0) })).statusCode, 401);
});

test('verify: of concurrent requests with one code exactly one succeeds', async () => {
  const { user, secret } = await userWithTotp();
  await midStep();
  const c = await code(secret, 1);
  const tokens = await Promise.all(Array.from({ length: 5 }, () => challenge(user.id)));
  const results = await Promise.all(tokens.map((t) => verify({ mfa_token: t, code: c })));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [200, 401, 401, 401, 401]);
});

test('verify: the mfa_token is single use, unknown tokens fail, and a wrong code hands back a new token', async () => {
  const { user, secret } = await userWithTotp();
  await midStep();
  const t = await challenge(user.id);
  const wrong = await verify({ mfa_token: t, code: '123456' === (await code(secret)) ? '654321' : '123456' });
  assert.equal(wrong.statusCode, 401);
  const fresh = wrong.json().mfa_token as string;
  assert.equal((await verify({ mfa_token: t, code: await code(secret, 1) })).statusCode, 401, 'the old token is gone');
  assert.equal((await verify({ mfa_token: fresh, code: await code(secret, 1) })).statusCode, 200);
  assert.equal((await verify({ mfa_token: 'x'.repeat(43), code: '123456' })).json().error, 'invalid_grant');
  assert.equal((await verify({ mfa_token: t })).statusCode, 400, 'code or recovery_code required');
  assert.equal((await verify({ mfa_token: fresh, code: 'abcdef' })).statusCode, 401);
});

test('recovery codes: each works once (amr pwd+mfa, audited), regenerating replaces them all', async () => {
  const { user, bearer, secret, recovery } = await userWithTotp();
  const ok = await verify({ mfa_token: await challenge(user.id), recovery_code: recovery[0]!.toUpperCase() });
  assert.equal(ok.statusCode, 200, ok.body);
  const sid = decodeJwt(ok.json().access_token).payload.sid;
  assert.deepEqual((await ctx.services.db.session.findUniqueOrThrow({ where: { id: sid } })).amr, ['pwd', 'mfa']);
  assert.ok(await ctx.services.db.auditEvent.findFirst({ where: { action: 'mfa.recovery_code_used', targetId: user.id } }));
  const reuse = await verify({ mfa_token: await challenge(user.id), recovery_code: recovery[0] });
  assert.equal(reuse.statusCode, 401);

  await midStep();
  const regen = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/recovery-codes', headers: bearer, payload: { code: await code(secret, 1) } });
  assert.equal(regen.statusCode, 200, regen.body);
  const fresh = regen.json().recovery_codes as string[];
  assert.equal(fresh.length, 10);
  assert.equal((await verify({ mfa_token: await challenge(user.id), recovery_code: recovery[1] })).statusCode, 401, 'old codes are gone');
  assert.equal((await verify({ mfa_token: await challenge(user.id), recovery_code: fresh[0] })).statusCode, 200);
});

test('disable needs a valid code or recovery code; afterwards the secret and codes are gone', async () => {
  const { user, email, bearer, secret, recovery } = await userWithTotp();
  const wrong = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/disable', headers: bearer, payload: { code: '000001' } });
  assert.equal(wrong.statusCode, 400);
  assert.equal((await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/disable', headers: bearer, payload: {} })).statusCode, 400);
  const res = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/disable', headers: bearer, payload: { recovery_code: recovery[3] } });
  assert.equal(res.statusCode, 204, res.body);
  assert.equal(await ctx.services.db.userMfa.count({ where: { userId: user.id } }), 0);
  assert.equal(await ctx.services.db.recoveryCode.count({ where: { userId: user.id } }), 0);
  assert.ok(await ctx.services.db.auditEvent.findFirst({ where: { action: 'mfa.disabled', targetId: user.id } }));
  await mail.waitFor(email, { subject: /turned off/ });
  assert.equal((await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/disable', headers: bearer, payload: { code: await code(secret) } })).statusCode, 409);

  // and with a TOTP code
  const other = await userWithTotp();
  await midStep();
  const byCode = await ctx.app.inject({ method: 'POST', url: '/auth/mfa/totp/disable', headers: other.bearer, payload: { code: await code(other.secret, 1) } });
  assert.equal(byCode.statusCode, 204, byCode.body);
});

test('too many wrong codes lock the second factor for a while', async () => {
  const { user, secret } = await userWithTotp();
  let t = await challenge(user.id);
  for (let i = 0; i < 10; i++) {
    const res = await verify({ mfa_token: t, code: String(100000 + i) });
    if (res.statusCode === 200) continue; // astronomically unlikely
    t = res.json().mfa_token ?? (await challenge(user.id));
  }
  await midStep();
  const locked = await verify({ mfa_token: t, code: await code(secret, 1) });
  assert.equal(locked.statusCode, 429);
});

test('JSON API end to end: /auth/login answers 403 mfa_required, /auth/mfa/verify finishes; a wrong code is audited as login.failed', async () => {
  const { user, email, secret } = await userWithTotp();
  const login = await ctx.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: PW } });
  assert.equal(login.statusCode, 403, login.body);
  assert.equal(login.json().error, 'mfa_required');
  const wrong = await verify({ mfa_token: login.json().mfa_token, code: '000000' === (await code(secret)) ? '111111' : '000000' });
  assert.equal(wrong.statusCode, 401);
  const failed = await ctx.services.db.auditEvent.findFirst({ where: { action: 'login.failed', targetId: user.id }, orderBy: { id: 'desc' } });
  assert.equal((failed!.details as { reason: string }).reason, 'wrong_otp');
  await midStep();
  const ok = await verify({ mfa_token: wrong.json().mfa_token, code: await code(secret, 1) });
  assert.equal(ok.statusCode, 200, ok.body);
  const me = await ctx.app.inject({ method: 'GET', url: '/auth/me', headers: { authorization: `Bearer ${ok.json().access_token}` } });
  assert.equal(me.statusCode, 200);
  assert.equal(me.json().mfa_enabled, true);
});
