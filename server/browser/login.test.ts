// The browser sign-in: /login and /logout pages, the session cookie, CSRF
// refusal, return_to open-redirect refusal, the MFA hand-off and requireBrowserUser.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createUser } from '../test/oauth.ts';
import { revokeSession } from '../sessions/session-service.ts';
import { markSessionRevoked } from '../sessions/revocation-markers.ts';
import { TestBrowser, csrfIn, location } from './test-browser.ts';
import { requireBrowserUser } from './browser-session.ts';
import { finishBrowserLogin, getLoginFlow } from './login-flow.ts';
import { verifyCsrf } from './csrf.ts';

describe('browser sign-in (/login, /logout)', () => {
  let t: TestContext;
  const sessions = (userId: string) => t.app.db.session.count({ where: { userId, revokedAt: null } });

  before(async () => {
    t = await createTestApp({
      setup: (app) => {
        app.get('/test/private', { config: { browser: true }, preHandler: requireBrowserUser() }, async (req) => ({ email: req.browserUser!.user.email }));
        app.get('/test/admin-only', { config: { browser: true }, preHandler: requireBrowserUser('admin:access') }, async () => ({ ok: true }));
        // what ACCOUNTS' /mfa page does once the code checks out
        app.get('/test/mfa-flow', { config: { browser: true } }, async (req, reply) => {
          const flow = await getLoginFlow(req, reply, (req.query as { flow?: string }).flow);
          return { flow: flow ? { userId: flow.userId, returnTo: flow.returnTo, amr: flow.amr } : null };
        });
        app.post('/test/mfa-finish', { config: { browser: true }, preValidation: verifyCsrf }, async (req, reply) => {
          const flow = await getLoginFlow(req, reply, (req.body as { flow?: string }).flow);
          if (!flow) return reply.code(400).send({ error: 'no flow' });
          const user = await app.db.user.findUniqueOrThrow({ where: { id: flow.userId } });
          await finishBrowserLogin(req, reply, { user, amr: ['pwd', 'otp'] });
          return reply;
        });
      },
    });
  });
  after(async () => { await t.close(); });

  it('shows a sign-in form with labelled inputs, a CSRF token and no inline script or style', async () => {
    const b = new TestBrowser(t.app);
    const res = await b.get('/login');
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /text\/html/);
    assert.match(res.body, /<label for="email">Email<\/label>/);
    assert.match(res.body, /<input id="email" name="email" type="email"/);
    assert.match(res.body, /<label for="password">Password<\/label>/);
    assert.match(res.body, /<input id="password" name="password" type="password"/);
    assert.ok(csrfIn(res.body));
    assert.doesNotMatch(res.body, /<script|style=/);
    assert.match(res.body, /class="skip-link" href="#main"/);
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const csrfCookie = res.cookies.find((c) => c.name === 'lk_csrf');
    assert.ok(csrfCookie?.httpOnly);
  });

  it('signs in, sets an HttpOnly SameSite=Lax session cookie and redirects to return_to', async () => {
    const { user, email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    const res = await b.login(email.toUpperCase(), password, '/test/private?x=1');
    assert.equal(res.statusCode, 303, res.body);
    assert.equal(location(res), '/test/private?x=1');
    const cookie = res.cookies.find((c) => c.name === 'lk_session');
    assert.ok(cookie, 'session cookie set');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    assert.ok(!cookie.value.includes(user.id) || cookie.value.includes('.'), 'the cookie is signed');
    const page = await b.get('/test/private');
    assert.equal(page.statusCode, 200);
    assert.equal(page.json().email, email);
    const rows = await t.app.db.session.findMany({ where: { userId: user.id } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.clientId, 'latchkey');
    assert.deepEqual(rows[0]!.amr, ['pwd']);
    const audit = await t.app.db.auditEvent.findFirst({ where: { action: 'login.succeeded', actorId: user.id } });
    assert.ok(audit);
  });

  it('the layout shows Account and Sign out when signed in, Admin only with admin:access', async () => {
    const plain = await createUser(t.app);
    const admin = await createUser(t.app, { roles: ['admin'] });
    const b1 = new TestBrowser(t.app);
    await b1.login(plain.email, plain.password);
    const p1 = await b1.get('/logout');
    assert.match(p1.body, /href="\/account"/);
    assert.match(p1.body, />Sign out</);
    assert.doesNotMatch(p1.body, /href="\/admin"/);
    const b2 = new TestBrowser(t.app);
    await b2.login(admin.email, admin.password);
    assert.match((await b2.get('/logout')).body, /href="\/admin"/);
  });

  it('answers a wrong password and an unknown email with the same inline message, tied to the inputs', async () => {
    const { email } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    const a = await b.login(email, 'wrong password!!');
    const u = await b.login('nobody@example.com', 'wrong password!!');
    for (const res of [a, u]) {
      assert.equal(res.statusCode, 401);
      assert.match(res.body, /role="alert"/);
      assert.match(res.body, /Incorrect email or password\./);
      assert.match(res.body, /aria-invalid="true" aria-describedby="login-error"/);
      assert.equal(res.cookies.find((c) => c.name === 'lk_session'), undefined);
    }
    assert.match(a.body, new RegExp(`value="${email.replace(/\./g, '\\.')}"`), 'the email is kept');
  });

  it('never answers 5xx to odd input (NUL bytes, huge fields)', async () => {
    const b = new TestBrowser(t.app);
    const _csrf = await b.csrf();
    for (const form of [{ email: 'a\u0000@example.com', password: 'x' }, { email: 'a@example.com', password: 'p\u0000w' }, { email: 'x'.repeat(400), password: 'y' }]) {
      const res = await b.post('/login', { _csrf, ...form });
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode}`);
    }
  });

  it('says which field is missing, with aria-describedby', async () => {
    const b = new TestBrowser(t.app);
    const _csrf = await b.csrf();
    const res = await b.post('/login', { _csrf, email: '', password: '' });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /aria-describedby="email-error"/);
    assert.match(res.body, /id="email-error">Enter your email address\./);
    assert.match(res.body, /id="password-error">Enter your password\./);
  });

  it('refuses a POST without or with a wrong CSRF token (403) and signs nobody in', async () => {
    const { user, email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    const good = await b.csrf();
    const none = await b.post('/login', { email, password });
    const wrong = await b.post('/login', { email, password, _csrf: good.slice(0, -2) + 'xx' });
    // a valid token from another browser does not fit this browser's cookie
    const other = new TestBrowser(t.app);
    const foreign = await other.post('/login', { email, password, _csrf: good });
    const crossSite = await b.post('/login', { email, password, _csrf: good }, { origin: 'https://evil.example' });
    for (const res of [none, wrong, foreign, crossSite]) {
      assert.equal(res.statusCode, 403, res.body);
      assert.match(res.headers['content-type'] as string, /text\/html/);
    }
    assert.equal(await sessions(user.id), 0);
    // the same token works from the right browser
    assert.equal((await b.post('/login', { email, password, _csrf: good })).statusCode, 303);
  });

  for (const evil of ['//evil.com', 'https://evil.com/x', '/\\evil.com', '/\\/evil.com', 'http:evil.com', '/%2F%2Fevil.com', ' //evil.com', 'javascript:alert(1)', '/.//evil.com', '/a/..//evil.com']) {
    it(`refuses return_to=${JSON.stringify(evil)} (open redirect) and goes to /account instead`, async () => {
      const { email, password } = await createUser(t.app);
      const b = new TestBrowser(t.app);
      const form = await b.get(`/login?return_to=${encodeURIComponent(evil)}`);
      if (evil !== '/%2F%2Fevil.com') assert.doesNotMatch(form.body, /evil/);
      const res = await b.post('/login', { _csrf: csrfIn(form.body)!, email, password, return_to: evil });
      assert.equal(res.statusCode, 303);
      const to = location(res);
      assert.ok(to.startsWith('/') && !to.startsWith('//') && !to.includes('\\'), to);
      assert.ok(new URL(to, 'http://localhost:3000').origin === 'http://localhost:3000', to);
      if (evil !== '/%2F%2Fevil.com') assert.equal(to, '/account');
    });
  }

  it('says "verify your email" only after a correct password', async () => {
    const { email, password } = await createUser(t.app, { verified: false });
    const b = new TestBrowser(t.app);
    const wrong = await b.login(email, 'not the password');
    assert.equal(wrong.statusCode, 401);
    const right = await b.login(email, password);
    assert.equal(right.statusCode, 403);
    assert.match(right.body, /verify your email/i);
  });

  it('with TOTP on, stops at /mfa?flow= without a session; the flow is bound to the browser and finishes once', async () => {
    const { user, email, password } = await createUser(t.app);
    await t.app.db.userMfa.create({ data: { userId: user.id, secretEnc: 'x', enabledAt: new Date() } });
    const b = new TestBrowser(t.app);
    const res = await b.login(email, password, '/test/private');
    assert.equal(res.statusCode, 303);
    const flowId = /^\/mfa\?flow=([A-Za-z0-9_-]+)$/.exec(location(res))?.[1];
    assert.ok(flowId, location(res));
    assert.equal(await sessions(user.id), 0);
    const seen = (await b.get(`/test/mfa-flow?flow=${flowId}`)).json();
    assert.deepEqual(seen.flow, { userId: user.id, returnTo: '/test/private', amr: ['pwd'] });
    // another browser cannot use a leaked flow id
    assert.equal((await new TestBrowser(t.app).get(`/test/mfa-flow?flow=${flowId}`)).json().flow, null);
    const _csrf = await b.csrf();
    const done = await b.post('/test/mfa-finish', { _csrf, flow: flowId });
    assert.equal(done.statusCode, 303, done.body);
    assert.equal(location(done), '/test/private');
    const row = await t.app.db.session.findFirstOrThrow({ where: { userId: user.id } });
    assert.deepEqual(row.amr, ['pwd', 'otp']);
    assert.equal((await b.post('/test/mfa-finish', { _csrf, flow: flowId })).statusCode, 400, 'single use');
  });

  it('requireBrowserUser: anonymous → /login?return_to=, missing permission → 403 page', async () => {
    const anon = new TestBrowser(t.app);
    const r = await anon.get('/test/private?a=b');
    assert.equal(r.statusCode, 303);
    assert.equal(location(r), '/login?return_to=%2Ftest%2Fprivate%3Fa%3Db');
    const { email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    await b.login(email, password);
    const denied = await b.get('/test/admin-only');
    assert.equal(denied.statusCode, 403);
    assert.match(denied.body, /permission/);
    const admin = await createUser(t.app, { roles: ['admin'] });
    const a = new TestBrowser(t.app);
    await a.login(admin.email, admin.password);
    assert.equal((await a.get('/test/admin-only')).statusCode, 200);
  });

  it('a revoked session (row or store marker), an expired one or a disabled user makes the browser anonymous at once', async () => {
    for (const end of ['revoke', 'expire', 'disable', 'marker'] as const) {
      const { user, email, password } = await createUser(t.app);
      const b = new TestBrowser(t.app);
      await b.login(email, password);
      assert.equal((await b.get('/test/private')).statusCode, 200);
      const s = await t.app.db.session.findFirstOrThrow({ where: { userId: user.id } });
      if (end === 'revoke') await revokeSession(t.app, s.id, 'test');
      if (end === 'expire') await t.app.db.session.update({ where: { id: s.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      if (end === 'disable') await t.app.db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
      // the shared store marker alone (written first by revokeSession on any instance) is enough
      if (end === 'marker') await markSessionRevoked(t.app, s.id);
      assert.equal((await b.get('/test/private')).statusCode, 303, end);
    }
  });

  it('a tampered session cookie is ignored', async () => {
    const { email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    await b.login(email, password);
    const value = b.cookies.get('lk_session')!;
    b.cookies.set('lk_session', value.split('.')[0]!);
    assert.equal((await b.get('/test/private')).statusCode, 303);
  });

  it('/logout: GET asks, POST without CSRF changes nothing, POST with CSRF ends the session and flashes once', async () => {
    const { user, email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    await b.login(email, password);
    const confirm = await b.get('/logout');
    assert.equal(confirm.statusCode, 200);
    assert.match(confirm.body, /Sign out\?/);
    assert.equal(await sessions(user.id), 1, 'GET signs nobody out');
    assert.equal((await b.post('/logout', {})).statusCode, 403);
    assert.equal(await sessions(user.id), 1);
    const out = await b.post('/logout', { _csrf: csrfIn(confirm.body)! });
    assert.equal(out.statusCode, 303);
    assert.equal(location(out), '/login');
    assert.equal(await sessions(user.id), 0);
    const login = await b.get('/login');
    assert.match(login.body, /You have been signed out\./);
    assert.doesNotMatch((await b.get('/login')).body, /You have been signed out\./, 'flash shown once');
    assert.equal((await b.get('/test/private')).statusCode, 303);
  });

  it('a new sign-in replaces the previous browser session (no fixation)', async () => {
    const one = await createUser(t.app);
    const two = await createUser(t.app);
    const b = new TestBrowser(t.app);
    await b.login(one.email, one.password);
    const _csrf = await b.csrf('/login?reauth=1');
    assert.equal((await b.post('/login', { _csrf, email: two.email, password: two.password })).statusCode, 303);
    assert.equal(await sessions(one.user.id), 0);
    assert.equal((await b.get('/test/private')).json().email, two.email);
  });
});

describe('browser cookies behind https', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp({ env: { ISSUER: 'https://id.example.com' } }); });
  after(async () => { await t.close(); });

  it('uses __Host- cookies with Secure', async () => {
    const { email, password } = await createUser(t.app);
    const b = new TestBrowser(t.app);
    const form = await b.get('/login');
    const csrf = form.cookies.find((c) => c.name === '__Host-lk_csrf');
    assert.ok(csrf?.secure);
    const res = await b.post('/login', { _csrf: csrfIn(form.body)!, email, password });
    const session = res.cookies.find((c) => c.name === '__Host-lk_session');
    assert.ok(session?.secure && session.httpOnly && session.path === '/' && session.sameSite === 'Lax');
  });
});
