// The account pages over HTTP (forms, CSRF, flashes, errors next to fields):
// register → verify → sign in → TOTP on → sign in with TOTP → sessions →
// export → delete; forgot/reset password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import { createMailTestApp, type TestContext } from '../test/fixture.ts';
import type { MailCatcher } from '../test/mail-catcher.ts';
import { TestBrowser, csrfIn, location } from '../browser/test-browser.ts';
import { createTestUser, signInForTest, tokenFromMail } from './testing.ts';
import { passwordHasher } from './hasher.ts';

let mail: MailCatcher;
let ctx: TestContext;
before(async () => ({ ctx, mail } = await createMailTestApp()));
after(() => ctx.close());

const PW = 'violet-tractor-91-sunrise';
const NEW = 'marble-harbour-47-lantern';
async function midStep() {
  const into = (Date.now() / 1000) % 30;
  const wait = into < 2 ? 2 - into : into > 27 ? 32 - into : 0;
  if (wait) await new Promise((r) => setTimeout(r, wait * 1000));
}
const otp = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/** every input (but hidden ones) has a <label for> */
function assertLabelled(html: string) {
  const ids = [...html.matchAll(/<input(?![^>]*type="hidden")(?![^>]*\shidden[\s>])[^>]*\sid="([^"]+)"/g)].map((m) => m[1]);
  for (const id of ids) assert.ok(html.includes(`for="${id}"`), `input #${id} has no label`);
  assert.ok(!/<script/i.test(html), 'no scripts');
  assert.ok(!/\sstyle="/i.test(html), 'no inline styles');
}

test('register page: labelled form, CSRF required, errors next to fields with strength feedback, success flashes on /login', async () => {
  const b = new TestBrowser(ctx.app);
  const page = await b.get('/register');
  assert.equal(page.statusCode, 200);
  assertLabelled(page.body);
  const _csrf = csrfIn(page.body)!;

  const noCsrf = await b.post('/register', { email: 'page@example.test', password: PW, confirm_password: PW });
  assert.equal(noCsrf.statusCode, 403);

  const weak = await b.post('/register', { _csrf, email: 'page@example.test', password: 'qwertyuiop', confirm_password: 'qwertyuiop' });
  assert.equal(weak.statusCode, 400);
  assert.match(weak.body, /id="password-error"[^>]*>[^<]*commonly used/);
  assert.match(weak.body, /aria-describedby="password-hint password-error password-strength"/);
  assert.match(weak.body, /Strength: /);
  assert.match(weak.body, /value="page@example.test"/, 'keeps what was typed (not the password)');
  assert.ok(!weak.body.includes('qwertyuiop'));

  const mismatch = await b.post('/register', { _csrf, email: 'page@example.test', password: PW, confirm_password: PW + 'x' });
  assert.equal(mismatch.statusCode, 400);
  assert.match(mismatch.body, /id="confirm-password-error"/);

  const ok = await b.post('/register', { _csrf, email: 'page@example.test', name: 'Page Person', password: PW, confirm_password: PW });
  assert.equal(ok.statusCode, 303);
  assert.equal(location(ok), '/login');
  const login = await b.get('/login');
  assert.match(login.body, /we have sent a mail/);

  // the verification link opens a page; only its button uses the token
  const token = tokenFromMail(await mail.waitFor('page@example.test'));
  const verifyPage = await b.get(`/verify-email?token=${token}`);
  assert.equal(verifyPage.statusCode, 200);
  assertLabelled(verifyPage.body);
  assert.equal((await ctx.services.db.user.findUniqueOrThrow({ where: { emailCanonical: 'page@example.test' } })).emailVerifiedAt, null);
  const confirmed = await b.post('/verify-email', { _csrf: csrfIn(verifyPage.body)!, token });
  assert.equal(confirmed.statusCode, 303);
  assert.ok((await ctx.services.db.user.findUniqueOrThrow({ where: { emailCanonical: 'page@example.test' } })).emailVerifiedAt);
  const reused = await b.post('/verify-email', { _csrf: csrfIn(verifyPage.body)!, token });
  assert.equal(reused.statusCode, 400);
  assert.match(reused.body, /invalid, has expired or was already used/);
});

test('forgot and reset password pages', async () => {
  await createTestUser(ctx.app, { email: 'forgot@example.test', password: PW });
  const b = new TestBrowser(ctx.app);
  const page = await b.get('/forgot-password');
  assertLabelled(page.body);
  const sent = await b.post('/forgot-password', { _csrf: csrfIn(page.body)!, email: 'forgot@example.test' });
  assert.equal(sent.statusCode, 303);
  const unknown = await b.post('/forgot-password', { _csrf: csrfIn(page.body)!, email: 'nobody@example.test' });
  assert.equal(unknown.statusCode, 303);
  assert.equal(location(unknown), location(sent));

  const token = tokenFromMail(await mail.waitFor('forgot@example.test'));
  assert.equal((await b.get('/reset-password?token=nope')).statusCode, 400);
  const form = await b.get(`/reset-password?token=${token}`);
  assert.equal(form.statusCode, 200);
  assertLabelled(form.body);
  const _csrf = csrfIn(form.body)!;
  const weak = await b.post('/reset-password', { _csrf, token, new_password: 'short', confirm_password: 'short' });
  assert.equal(weak.statusCode, 400);
  assert.match(weak.body, /id="new-password-error"/);
  const done = await b.post('/reset-password', { _csrf, token, new_password: NEW, confirm_password: NEW });
  assert.equal(done.statusCode, 303);
  assert.equal(location(done), '/login');
  const user = await ctx.services.db.user.findUniqueOrThrow({ where: { emailCanonical: 'forgot@example.test' } });
  assert.ok(await passwordHasher(ctx.app).verify(user.passwordHash, NEW));
  assert.equal((await b.post('/reset-password', { _csrf, token, new_password: PW, confirm_password: PW })).statusCode, 400);
});

test('account page: profile, TOTP setup with QR and secret, recovery codes, sign-in through /mfa, sessions, export, delete', async () => {
  const user = await createTestUser(ctx.app, { email: 'acct@example.test', password: PW, name: 'Acct' });
  const b = new TestBrowser(ctx.app);
  assert.equal(location(await b.get('/account')), '/login?return_to=%2Faccount');
  assert.equal(location(await b.login('acct@example.test', PW, '/account')), '/account');
  let page = await b.get('/account');
  assert.equal(page.statusCode, 200);
  assertLabelled(page.body);
  let _csrf = csrfIn(page.body)!;

  assert.equal((await b.post('/account/profile', { _csrf, name: 'Acct Renamed' })).statusCode, 303);
  assert.equal((await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } })).name, 'Acct Renamed');
  const badName = await b.post('/account/profile', { _csrf, name: '\u202eevil' });
  assert.equal(badName.statusCode, 400);
  assert.match(badName.body, /id="name-error"/);
  assert.equal((await b.post('/account/profile', { _csrf, name: 'Zoe\u0308' })).statusCode, 303);
  assert.equal((await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } })).name, 'Zo\u00eb', 'stored as NFC');
  await b.post('/account/profile', { _csrf, name: 'Acct Renamed' });

  assert.equal(location(await b.post('/account/totp/setup', { _csrf })), '/account#totp');
  page = await b.get('/account');
  assert.match(page.body, /<img class="qr" src="data:image\/png;base64,/);
  const secret = /id="totp-secret"[^>]*>([A-Z2-7]+)</.exec(page.body)![1]!;
  const wrong = await b.post('/account/totp/enable', { _csrf, code: '000000' });
  assert.equal(wrong.statusCode, 400);
  assert.match(wrong.body, /id="enable-code-error"/);
  await midStep();
  const enabled = await b.post('/account/totp/enable', { _csrf, code: await otp(secret, -1) });
  assert.equal(enabled.statusCode, 200);
  const codes = [...enabled.body.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
  assert.equal(codes.length, 10);

  // sign out, sign in again: /login → /mfa → /account
  const other = await signInForTest(ctx.app, user.id); // an API session to end later
  page = await b.get('/account');
  assert.equal((await b.post(`/account/sessions/${(page.body.match(/\/account\/sessions\/([0-9a-f-]+)\/end/) ?? [])[1]}/end`, { _csrf: csrfIn(page.body)! })).statusCode, 303);
  const b2 = new TestBrowser(ctx.app);
  const step1 = await b2.login('acct@example.test', PW, '/account');
  assert.match(location(step1), /^\/mfa\?flow=/);
  const mfaPage = await b2.get(location(step1));
  assert.equal(mfaPage.statusCode, 200);
  assertLabelled(mfaPage.body);
  const flow = /name="flow" value="([^"]+)"/.exec(mfaPage.body)![1]!;
  const bad = await b2.post('/mfa', { _csrf: csrfIn(mfaPage.body)!, flow, code: '000000' });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /wrong or was already used/);
  const good = await b2.post('/mfa', { _csrf: csrfIn(mfaPage.body)!, flow, code: await otp(secret, 1) });
  assert.equal(good.statusCode, 303, good.body);
  assert.equal(location(good), '/account');
  // the flow is finished: it cannot be used again
  assert.equal(location(await b2.post('/mfa', { _csrf: csrfIn(mfaPage.body)!, flow, recovery_code: codes[0] })), '/login');

  page = await b2.get('/account');
  assert.match(page.body, /this browser/);
  assert.match(page.body, /2-step/);
  _csrf = csrfIn(page.body)!;
  assert.equal((await b2.post(`/account/sessions/${other.session.id}/end`, { _csrf })).statusCode, 303);
  assert.ok((await ctx.services.db.session.findUniqueOrThrow({ where: { id: other.session.id } })).revokedAt);

  const exported = await b2.get('/account/export');
  assert.equal(exported.statusCode, 200);
  assert.match(String(exported.headers['content-disposition']), /attachment/);
  const data = exported.json();
  assert.equal(data.profile.email, 'acct@example.test');
  assert.equal(data.two_step_verification.enabled, true);
  assert.ok(!exported.body.includes('argon2') && !exported.body.includes(secret), 'no secrets in the export');

  const noConfirm = await b2.post('/account/delete', { _csrf, password: PW });
  assert.equal(noConfirm.statusCode, 400);
  assert.match(noConfirm.body, /id="delete-confirm-error"/);
  const wrongPw = await b2.post('/account/delete', { _csrf, password: 'not-my-password-9', confirm: 'yes' });
  assert.equal(wrongPw.statusCode, 400);
  assert.match(wrongPw.body, /id="delete-password-error"/);
  const deleted = await b2.post('/account/delete', { _csrf, password: PW, confirm: 'yes' });
  assert.equal(deleted.statusCode, 303);
  assert.equal(await ctx.services.db.user.count({ where: { id: user.id } }), 0);
  assert.ok(await ctx.services.db.auditEvent.findFirst({ where: { action: 'account.deleted', targetId: user.id } }));
  assert.equal(location(await b2.get('/account')), '/login?return_to=%2Faccount');
});

test('/mfa without a valid flow sends the browser back to /login', async () => {
  const b = new TestBrowser(ctx.app);
  assert.equal(location(await b.get('/mfa?flow=' + 'x'.repeat(32))), '/login');
  assert.equal(location(await b.get('/mfa')), '/login');
});
