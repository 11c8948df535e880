// The admin console end to end in Chromium: an admin signs in, creates a
// permission, a role holding it and a child role inheriting it, creates a user
// and gives them the child role; the user's access token carries the inherited
// permission; the admin ends the user's sessions and the token stops working at
// once; the audit log shows every step with the admin as actor. Every console
// page is screenshot into test-results/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startE2eServer, type E2eServer } from './support/server.ts';
import { launchChromium, screenshot } from './support/browser.ts';
import { createUser } from '../server/test/oauth.ts';

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { permissions: string[]; roles: string[] };

describe('admin console end to end', () => {
  let s: E2eServer;
  let browser: Browser;
  let page: Page;
  const csp: string[] = [];
  const admin = { email: 'ops.lead@example.com', password: 'granite-meadow-lantern-84' };
  const member = { email: 'analyst.one@example.com', password: 'copper-willow-harbor-19', name: 'Ana Lyst' };

  const flash = async () => (await page.locator('.flash').innerText()).trim();
  const unlabelled = () => page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label')))
      .map((el) => el.outerHTML));
  const api = (path: string, init: RequestInit = {}) => fetch(`${s.issuer}${path}`, init);

  before(async () => {
    s = await startE2eServer();
    await createUser(s.app, { ...admin, roles: ['admin'], name: 'Ops Lead' });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.on('console', (msg) => { if (/Content Security Policy/i.test(msg.text())) csp.push(msg.text()); });
  });
  after(async () => {
    await browser?.close();
    await s?.close();
  });

  it('runs the whole story', async () => {
    // 1. anonymous → /login → back to /admin
    await page.goto(`${s.issuer}/admin`);
    await page.waitForURL((u) => u.pathname === '/login');
    await page.getByLabel('Email').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/admin');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Dashboard');
    const sections = await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link').allInnerTexts();
    assert.deepEqual(sections, ['Dashboard', 'Users', 'Roles', 'Permissions', 'Sessions', 'Clients', 'Audit log']);
    await screenshot(page, 'admin-01-dashboard');

    // 2. a permission, by keyboard only
    await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Permissions' }).click();
    await page.getByLabel('Name').focus();
    await page.keyboard.type('reports:read');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Read the monthly reports');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.flash');
    assert.equal(await flash(), 'Permission reports:read created.');
    assert.deepEqual(await unlabelled(), []);
    await screenshot(page, 'admin-02-permissions');

    // 3. a role holding it, and a child role inheriting it
    await page.goto(`${s.issuer}/admin/roles`);
    const newRole = page.locator('form[action="/admin/roles"]');
    await newRole.getByLabel('Name').fill('report-reader');
    await newRole.getByRole('group', { name: 'Permissions' }).getByLabel('reports:read').check();
    await newRole.getByRole('button', { name: 'Create role' }).click();
    await page.waitForURL(/\/admin\/roles\/[0-9a-f-]{36}$/);
    assert.equal(await flash(), 'Role report-reader created.');
    await page.goto(`${s.issuer}/admin/roles`);
    await newRole.getByLabel('Name').fill('analyst');
    await newRole.getByRole('group', { name: 'Inherits from' }).getByLabel('report-reader', { exact: true }).check();
    await newRole.getByRole('button', { name: 'Create role' }).click();
    await page.waitForURL(/\/admin\/roles\/[0-9a-f-]{36}$/);
    assert.match(await page.locator('dl.details').innerText(), /Effective permissions\s+reports:read/);
    await screenshot(page, 'admin-03-role-detail');
    await page.goto(`${s.issuer}/admin/roles`);
    await screenshot(page, 'admin-04-roles');

    // 4. a user, then the child role on the user's page
    await page.goto(`${s.issuer}/admin/users/new`);
    assert.deepEqual(await unlabelled(), []);
    await page.getByLabel('Email', { exact: true }).fill(member.email);
    await page.getByLabel('Name (optional)').fill(member.name);
    await page.getByLabel('Password (optional)').fill(member.password);
    await page.getByLabel('The user must change this password at first sign-in').uncheck();
    await page.getByLabel('The email address is already verified').check();
    await screenshot(page, 'admin-05-user-new');
    await page.getByRole('button', { name: 'Create user' }).click();
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/);
    assert.equal(await flash(), `Created ${member.email}.`);
    const memberId = page.url().split('/').pop()!;
    const rolesForm = page.locator(`form[action="/admin/users/${memberId}/roles"]`);
    await rolesForm.getByLabel('analyst', { exact: true }).check();
    await rolesForm.getByRole('button', { name: 'Save roles' }).click();
    await page.waitForSelector('.flash');
    assert.equal(await flash(), 'Roles saved: analyst, user.');

    // 5. the user signs in through the JSON API: the token carries the inherited permission
    const login = await api('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: member.email, password: member.password }) });
    assert.equal(login.status, 200, await login.clone().text());
    const { access_token } = (await login.json()) as { access_token: string };
    const claims = decode(access_token);
    assert.ok(claims.permissions.includes('reports:read'), `permissions: ${claims.permissions}`);
    assert.ok(claims.roles.includes('analyst'));
    const me = await api('/auth/me', { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(me.status, 200);
    assert.ok(((await me.json()) as { permissions: string[] }).permissions.includes('reports:read'));

    // 6. the admin sees the session and ends every session of the user: the token stops at once
    await page.reload();
    const sessions = page.getByRole('table', { name: 'Active sessions' });
    assert.equal(await sessions.locator('tbody tr').count(), 1);
    await screenshot(page, 'admin-06-user-detail');
    const endAll = page.locator(`form[action="/admin/users/${memberId}/sessions/end"]`);
    await endAll.getByLabel('Yes, end every session of this user').check();
    await endAll.getByRole('button', { name: 'End all sessions' }).click();
    await page.waitForSelector('.flash');
    assert.equal(await flash(), '1 session ended.');
    const after = await api('/auth/me', { headers: { authorization: `Bearer ${access_token}` } });
    assert.equal(after.status, 401);

    // 7. the other console pages
    await page.goto(`${s.issuer}/admin/users?q=analyst`);
    assert.equal(await page.getByRole('table', { name: 'Users' }).locator('tbody tr').count(), 1);
    await screenshot(page, 'admin-07-users-search');
    await page.goto(`${s.issuer}/admin/sessions`);
    assert.match(await page.getByRole('table', { name: 'Active sessions' }).innerText(), new RegExp(admin.email));
    await screenshot(page, 'admin-08-sessions');
    await page.goto(`${s.issuer}/admin/clients`);
    const newClient = page.locator('form[action="/admin/clients"]');
    await newClient.getByLabel('Name').fill('Reporting service');
    await newClient.getByLabel('client_credentials').check();
    await newClient.getByRole('button', { name: 'Create client' }).click();
    const secret = await page.locator('#client-secret').innerText();
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    await screenshot(page, 'admin-09-client-secret-once');
    await page.getByRole('link', { name: 'Done' }).click();
    assert.ok(!(await page.content()).includes(secret), 'the secret is not shown again');
    await screenshot(page, 'admin-10-client-detail');
    await page.goto(`${s.issuer}/admin/clients`);
    await screenshot(page, 'admin-11-clients');

    // 8. the audit log shows each step with the admin as actor
    await page.goto(`${s.issuer}/admin/audit`);
    await page.getByLabel('Actor (email or id)').fill(admin.email);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/actor=/);
    const rows = await page.getByRole('table', { name: 'Audit events, newest first' }).locator('tbody tr').allInnerTexts();
    const byAdmin = (action: string) => rows.filter((r) => r.includes(action) && r.includes(admin.email));
    for (const action of ['permission.created', 'user.created', 'user.roles_set', 'user.sessions_ended', 'session.revoked', 'client.created']) {
      assert.equal(byAdmin(action).length >= 1, true, `${action} by the admin missing:\n${rows.join('\n')}`);
    }
    assert.equal(byAdmin('role.created').length, 2);
    await screenshot(page, 'admin-12-audit');
    const csvHref = (await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href')) ?? '';
    const csv = await page.evaluate(async (href) => (await fetch(href)).text(), csvHref);
    assert.match(csv, /^id,at,actor_id,actor_email,action/);
    assert.match(csv, /permission\.created/);
  });

  it('is usable on a phone-sized screen and raised no CSP violation', async () => {
    const phone = await (await browser.newContext({ viewport: { width: 390, height: 844 }, storageState: await page.context().storageState() })).newPage();
    for (const path of ['/admin', '/admin/users', '/admin/users/new', '/admin/roles', '/admin/permissions', '/admin/sessions', '/admin/clients', '/admin/audit']) {
      await phone.goto(`${s.issuer}${path}`);
      assert.equal(await phone.getByRole('heading', { level: 1 }).count(), 1, path);
      // every control labelled; wide tables scroll inside their frame, the page never sideways
      const unlabelledHere = await phone.evaluate(() =>
        [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
          .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label')))
          .map((el) => el.outerHTML));
      assert.deepEqual(unlabelledHere, [], path);
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 0) {
        await screenshot(phone, `admin-phone-overflow-${path}`);
        const wide = await phone.evaluate(() => [...document.querySelectorAll('main *')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && !el.closest('.table-wrap')).slice(0, 5).map((el) => el.outerHTML.slice(0, 200)));
        assert.fail(`${path} overflows by ${overflow}px: ${wide.join('\n')}`);
      }
    }
    await screenshot(phone, 'admin-13-users-phone');
    assert.deepEqual(csp, []);
  });
});
