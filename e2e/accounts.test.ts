// A person does everything in Chromium, with mail caught by a real SMTP server:
// register → open the verification link from the mail → sign in → turn on TOTP
// (reading the key from /account, codes from otplib) → sign out → sign in with
// TOTP → forgot password → reset from the mailed link → the old password fails,
// the new one works (with a recovery code) → delete the account.
// Screenshots of every page go to test-results/screenshots/accounts-*.png.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generate } from 'otplib';
import type { Browser, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './support/server.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import { startMailCatcher, type MailCatcher } from '../server/test/mail-catcher.ts';

const EMAIL = 'grace.hopper@example.test';
const PASSWORD = 'violet-tractor-91-sunrise';
const NEW_PASSWORD = 'marble-harbour-47-lantern';

async function midStep() {
  const into = (Date.now() / 1000) % 30;
  const wait = into < 3 ? 3 - into : into > 26 ? 33 - into : 0;
  if (wait) await new Promise((r) => setTimeout(r, wait * 1000));
}
const otp = (secret: string, steps = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

describe('accounts in a browser (Chromium)', () => {
  let s: E2eServer;
  let mail: MailCatcher;
  let browser: Browser;
  let page: Page;
  let shot = 0;
  const cspViolations: string[] = [];
  const snap = (name: string) => screenshot(page, `accounts-${String(++shot).padStart(2, '0')}-${name}`);

  before(async () => {
    mail = await startMailCatcher();
    s = await startE2eServer({ env: { SMTP_URL: mail.url, REQUIRE_EMAIL_VERIFICATION: 'true' } });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
    page = await context.newPage();
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text()); });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
    await mail?.close();
  });

  async function signIn(password: string) {
    await page.goto(`${s.issuer}/login`);
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState();
  }
  const signOut = async () => {
    await page.locator('header').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForLoadState();
  };

  it('register, verify, TOTP, sign in with TOTP, reset password, delete', async () => {
    // register
    await page.goto(`${s.issuer}/register`);
    await snap('register');
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await page.getByLabel('Name (optional)').fill('Grace Hopper');
    await page.getByLabel('Password', { exact: true }).fill('password123');
    await page.getByLabel('Password again').fill('password123');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('#password-error').innerText(), /characters|commonly used|guess/);
    await snap('register-weak-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL(/\/login$/);
    assert.match(await page.locator('.flash').innerText(), /sent a mail/);

    // sign-in before verification says so, only after the right password
    await signIn(PASSWORD);
    assert.match(await page.locator('[role=alert]').innerText(), /verify your email/i);
    await snap('login-unverified');

    // the verification link from the mail
    const verification = await mail.waitFor(EMAIL, { subject: /confirm/i, timeoutMs: 10_000 });
    const link = verification.links.find((l) => l.includes('/verify-email?token='))!;
    assert.ok(link.startsWith(s.issuer));
    await page.goto(link);
    await snap('verify-email');
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    await page.waitForURL(/\/login$/);
    assert.match(await page.locator('.flash').innerText(), /confirmed/);

    // sign in, then turn on TOTP from /account
    await signIn(PASSWORD);
    await page.waitForURL(/\/account$/);
    await snap('account');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.waitForURL(/\/account#totp$/);
    assert.ok(await page.locator('img.qr').evaluate((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete && i.naturalWidth > 100; }), 'the QR code image renders');
    const secret = (await page.locator('#totp-secret').innerText()).trim();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    await snap('totp-setup');
    await midStep();
    await page.getByLabel('6-digit code from your app').fill(await otp(secret, 0));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await page.waitForLoadState();
    const codes = (await page.locator('ul.codes li').allInnerTexts()).map((c) => c.trim());
    assert.equal(codes.length, 10);
    await snap('recovery-codes');
    await page.getByRole('link', { name: 'I have saved my codes' }).click();
    assert.match(await page.locator('#totp').innerText(), /On/);
    await signOut();

    // sign in with TOTP: /login → /mfa → /account
    await signIn(PASSWORD);
    await page.waitForURL(/\/mfa\?flow=/);
    await snap('mfa');
    await page.getByLabel('Authentication code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('[role=alert]').innerText(), /wrong or was already used/);
    await snap('mfa-wrong-code');
    await midStep();
    await page.getByLabel('Authentication code').fill(await otp(secret, 1));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/account$/);
    assert.match(await page.locator('#sessions').innerText(), /this browser/);
    await signOut();

    // forgot password → reset from the mailed link
    await page.goto(`${s.issuer}/forgot-password`);
    await snap('forgot-password');
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.waitForURL(/\/login$/);
    const reset = await mail.waitFor(EMAIL, { subject: /reset/i, timeoutMs: 10_000 });
    await page.goto(reset.links.find((l) => l.includes('/reset-password?token='))!);
    await snap('reset-password');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.waitForURL(/\/login$/);
    assert.match(await page.locator('.flash').innerText(), /password was changed/);
    assert.match((await mail.waitFor(EMAIL, { subject: /password was changed/i })).text, /reset/);

    // the old password fails, the new one works (second factor: a recovery code this time)
    await signIn(PASSWORD);
    assert.match(await page.locator('[role=alert]').innerText(), /Incorrect email or password/);
    await snap('login-old-password');
    await signIn(NEW_PASSWORD);
    await page.waitForURL(/\/mfa\?flow=/);
    await page.getByRole('link', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(codes[0]!);
    await snap('mfa-recovery-code');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/account$/);
    assert.match(await page.locator('#totp').innerText(), /9 of 10 recovery codes left/);

    // delete the account
    await page.getByLabel('Your password').fill(NEW_PASSWORD);
    await page.getByLabel('Yes, delete my account for good').check();
    await snap('delete-account');
    await page.getByRole('button', { name: 'Delete my account' }).click();
    await page.waitForURL(/\/login$/);
    assert.match(await page.locator('.flash').innerText(), /deleted/);
    await snap('deleted');
    assert.equal(await s.services.db.user.count({ where: { emailCanonical: EMAIL } }), 0);
    const audit = await s.services.db.auditEvent.findMany({ where: { OR: [{ actorEmail: EMAIL }, { targetId: { not: null } }] }, select: { action: true } });
    for (const action of ['user.registered', 'email.verified', 'mfa.enabled', 'login.succeeded', 'password.reset', 'mfa.recovery_code_used', 'account.deleted']) {
      assert.ok(audit.some((a) => a.action === action), `audited ${action}`);
    }
    await signIn(NEW_PASSWORD);
    assert.match(await page.locator('[role=alert]').innerText(), /Incorrect email or password/);
    assert.deepEqual(cspViolations, []);
  });
});
