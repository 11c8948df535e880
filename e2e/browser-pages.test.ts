// Latchkey's own sign-in pages in a real browser, the way a keyboard-only or
// small-screen user meets them: skip link, labelled inputs, visible focus,
// no horizontal scrolling, sign out from the header, flash after redirect,
// no CSP violation. Screenshots go to test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './support/server.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import { createUser } from '../server/test/oauth.ts';

describe('sign-in pages: keyboard, labels, focus, small screens', () => {
  let s: E2eServer;
  let browser: Browser;
  const csp: string[] = [];

  async function newPage(width = 1100, height = 800): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width, height } })).newPage();
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) csp.push(msg.text()); });
    return page;
  }
  /** every visible form control has a label (or aria-label) */
  const unlabelled = (page: Page) => page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label')))
      .map((el) => el.outerHTML));

  before(async () => {
    s = await startE2eServer();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('keyboard only: skip link first, then sign in with Tab and Enter; focus is always visible', async () => {
    const { email, password } = await createUser(s.app);
    const page = await newPage();
    // the skip link is the first stop on a page
    await page.goto(`${s.issuer}/logout`);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Skip to main content');
    assert.equal(await page.locator('.skip-link').isVisible(), true, 'the skip link shows when focused');
    await screenshot(page, 'pages-01-skip-link');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => location.hash), '#main');

    await page.goto(`${s.issuer}/login?return_to=%2Flogout`);
    assert.deepEqual(await unlabelled(page), []);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'email', 'the email input has autofocus');
    // focus is drawn visibly
    await page.getByLabel('Email').focus();
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.notEqual(outline, 'none');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '/forgot-password');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/logout');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Sign out?');
    await screenshot(page, 'pages-02-signed-in-logout-confirm');

    // sign out from the header (a CSRF-protected form button), then the flash on /login
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    assert.equal(await page.getByRole('status').innerText(), 'You have been signed out.');
    await screenshot(page, 'pages-03-signed-out-flash');
    await page.reload();
    assert.equal(await page.getByRole('status').count(), 0, 'the flash is shown once');
  });

  it('on a phone-sized screen nothing scrolls sideways', async () => {
    const page = await newPage(360, 740);
    for (const path of ['/login', '/logout', '/oauth/authorize?client_id=nope']) {
      await page.goto(`${s.issuer}${path}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path} overflows by ${overflow}px`);
    }
    await page.goto(`${s.issuer}/login`);
    await screenshot(page, 'pages-04-login-mobile');
    await page.goto(`${s.issuer}/oauth/authorize?client_id=nope`);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'This sign-in link is not valid');
    await screenshot(page, 'pages-05-authorize-error-mobile');
  });

  it('missing fields are reported next to the field, announced and tied with aria-describedby', async () => {
    const page = await newPage();
    await page.goto(`${s.issuer}/login`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('#email-error');
    assert.equal(await page.getByLabel('Email').getAttribute('aria-describedby'), 'email-error');
    assert.equal(await page.locator('#email-error').innerText(), 'Enter your email address.');
    await screenshot(page, 'pages-06-login-missing-fields');
  });

  it('raised no Content-Security-Policy violation', () => {
    assert.deepEqual(csp, []);
  });
});
