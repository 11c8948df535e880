// A user whose password an administrator set (must_change_password) is sent to
// /account after signing in and kept there until the password is changed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createUser } from '../test/oauth.ts';
import { TestBrowser, location } from './test-browser.ts';
import { requireBrowserUser } from './browser-session.ts';

describe('temporary passwords set by an administrator', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestApp({
      setup: (app) => {
        app.get('/test/private', { config: { browser: true }, preHandler: requireBrowserUser() }, async () => ({ ok: true }));
      },
    });
  });
  after(async () => { await t.close(); });

  it('sends the user to /account instead of return_to, and keeps them there', async () => {
    const { user, email, password } = await createUser(t.app);
    await t.app.db.user.update({ where: { id: user.id }, data: { mustChangePassword: true } });
    const b = new TestBrowser(t.app);
    const res = await b.login(email, password, '/test/private');
    assert.equal(res.statusCode, 303);
    assert.equal(location(res), '/account#password');
    const elsewhere = await b.get('/test/private');
    assert.equal(elsewhere.statusCode, 303);
    assert.equal(location(elsewhere), '/account#password');
    const account = await b.get('/account');
    assert.equal(account.statusCode, 200);
    assert.match(account.body, /temporary password/);
  });

  it('lets everyone else through as usual', async () => {
    const { email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    const res = await b.login(email, password, '/test/private');
    assert.equal(location(res), '/test/private');
    assert.equal((await b.get('/test/private')).statusCode, 200);
  });
});
