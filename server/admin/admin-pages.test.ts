// The console pages: anonymous browsers go to /login and back; every page and
// form is refused (403 page, nothing changed) without its permission; forms
// need their CSRF token; the permitted actions work and confirm destruction.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, createUser } from '../test/oauth.ts';
import { builtinPermissions } from '../rbac/builtins.ts';
import { createSession } from '../sessions/session-service.ts';
import { browserFor, fingerprint, userWith } from './testing.ts';

const ALL = builtinPermissions.map((p) => p.name);
const fresh = () => `p${randomUUID().slice(0, 8)}`;
const userId = async (app: FastifyInstance) => (await createUser(app, { roles: ['user'] })).user.id;
const roleId = async (app: FastifyInstance) => (await app.db.role.create({ data: { name: fresh() } })).id;
const permId = async (app: FastifyInstance) => (await app.db.permission.create({ data: { name: `${fresh()}:read` } })).id;
const clientId = async (app: FastifyInstance) => (await createClient(app, { name: 'Console app' })).clientId;

const pages: Array<{ url: (app: FastifyInstance) => Promise<string>; perms: string[] }> = [
  { url: async () => '/admin', perms: [] },
  { url: async () => '/admin/users', perms: ['users:read'] },
  { url: async () => '/admin/users/new', perms: ['users:write'] },
  { url: async (app) => `/admin/users/${await userId(app)}`, perms: ['users:read'] },
  { url: async () => '/admin/roles', perms: ['roles:read'] },
  { url: async (app) => `/admin/roles/${await roleId(app)}`, perms: ['roles:read'] },
  { url: async () => '/admin/permissions', perms: ['roles:read'] },
  { url: async () => '/admin/sessions', perms: ['sessions:read'] },
  { url: async () => '/admin/clients', perms: ['clients:read'] },
  { url: async (app) => `/admin/clients/${await clientId(app)}`, perms: ['clients:read'] },
  { url: async () => '/admin/audit', perms: ['audit:read'] },
  { url: async () => '/admin/audit/export?format=csv', perms: ['audit:read'] },
];

const yes = { confirm: 'yes' };
const forms: Array<{ name: string; perms: string[]; call: (app: FastifyInstance) => Promise<[string, Record<string, string | string[]>]> }> = [
  { name: 'create user', perms: ['users:write'], call: async () => ['/admin/users', { email: `${fresh()}@example.com`, password: 'violet-canyon-river-27', roles: ['user'] }] },
  { name: 'edit user', perms: ['users:write'], call: async (app) => [`/admin/users/${await userId(app)}`, { email: `${fresh()}@example.com`, name: 'Edited' }] },
  { name: 'set password', perms: ['users:write'], call: async (app) => [`/admin/users/${await userId(app)}/password`, { password: 'amber-forest-kettle-55' }] },
  { name: 'set roles', perms: ['users:write', 'roles:write'], call: async (app) => [`/admin/users/${await userId(app)}/roles`, { roles: ['user', ''] }] },
  { name: 'disable user', perms: ['users:write'], call: async (app) => [`/admin/users/${await userId(app)}/disable`, yes] },
  { name: 'enable user', perms: ['users:write'], call: async (app) => {
    const id = await userId(app);
    await app.db.user.update({ where: { id }, data: { disabledAt: new Date() } });
    return [`/admin/users/${id}/enable`, {}];
  } },
  { name: 'end user sessions', perms: ['sessions:write'], call: async (app) => {
    const id = await userId(app);
    await createSession(app, { userId: id, clientId: 'latchkey', amr: ['pwd'] });
    return [`/admin/users/${id}/sessions/end`, yes];
  } },
  { name: 'reset mfa', perms: ['users:write'], call: async (app) => {
    const id = await userId(app);
    await app.db.userMfa.create({ data: { userId: id, secretEnc: 'v1.a.b.c', enabledAt: new Date() } });
    return [`/admin/users/${id}/mfa/reset`, yes];
  } },
  { name: 'send reset', perms: ['users:write'], call: async (app) => [`/admin/users/${await userId(app)}/password-reset`, {}] },
  { name: 'resend verification', perms: ['users:write'], call: async (app) => {
    const id = await userId(app);
    await app.db.user.update({ where: { id }, data: { emailVerifiedAt: null } });
    return [`/admin/users/${id}/verification`, {}];
  } },
  { name: 'delete user', perms: ['users:write'], call: async (app) => {
    const { user } = await createUser(app);
    return [`/admin/users/${user.id}/delete`, { confirm_email: user.email }];
  } },
  { name: 'create role', perms: ['roles:write'], call: async () => ['/admin/roles', { name: fresh(), permissions: ['users:read'], inherits: ['user'] }] },
  { name: 'edit role', perms: ['roles:write'], call: async (app) => [`/admin/roles/${await roleId(app)}`, { name: fresh(), permissions: ['users:read', ''], inherits: [''] }] },
  { name: 'delete role', perms: ['roles:write'], call: async (app) => [`/admin/roles/${await roleId(app)}/delete`, yes] },
  { name: 'create permission', perms: ['roles:write'], call: async () => ['/admin/permissions', { name: `${fresh()}:write` }] },
  { name: 'describe permission', perms: ['roles:write'], call: async (app) => [`/admin/permissions/${await permId(app)}`, { description: 'new words' }] },
  { name: 'delete permission', perms: ['roles:write'], call: async (app) => [`/admin/permissions/${await permId(app)}/delete`, yes] },
  { name: 'end session', perms: ['sessions:write'], call: async (app) => [`/admin/sessions/${(await createSession(app, { userId: await userId(app), clientId: 'latchkey', amr: ['pwd'] })).id}/end`, {}] },
  { name: 'create client', perms: ['clients:write'], call: async () => ['/admin/clients', { name: 'Made in console', grant_types: ['client_credentials'] }] },
  { name: 'edit client', perms: ['clients:write'], call: async (app) => [`/admin/clients/${await clientId(app)}`, { name: 'Renamed', grant_types: ['client_credentials'], scopes: 'a:b' }] },
  { name: 'rotate secret', perms: ['clients:write'], call: async (app) => [`/admin/clients/${await clientId(app)}/secret`, yes] },
  { name: 'disable client', perms: ['clients:write'], call: async (app) => [`/admin/clients/${await clientId(app)}/disable`, yes] },
  { name: 'delete client', perms: ['clients:write'], call: async (app) => [`/admin/clients/${await clientId(app)}/delete`, yes] },
];

describe('admin console pages', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('sends anonymous browsers to /login and back', async () => {
    for (const p of pages) {
      const url = await p.url(t.app);
      const res = await t.app.inject({ url, headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 303, url);
      assert.equal(res.headers.location, `/login?return_to=${encodeURIComponent(url)}`);
    }
  });

  it('refuses every page without admin:access or without its permission (403 page)', async () => {
    const noAdmin = await browserFor(t.app, (await userWith(t.app, ALL.filter((p) => p !== 'admin:access'))).user.id);
    for (const p of pages) {
      const url = await p.url(t.app);
      const res = await noAdmin.get(url);
      assert.equal(res.statusCode, 403, `${url}: ${res.statusCode}`);
      assert.match(res.body, /Not allowed/);
      for (const missing of p.perms) {
        const b = await browserFor(t.app, (await userWith(t.app, ALL.filter((x) => x !== missing))).user.id);
        assert.equal((await b.get(url)).statusCode, 403, `${url} without ${missing}`);
      }
    }
  });

  it('shows every page with admin:access and its permission, and no secret or hash', async () => {
    for (const p of pages) {
      const b = await browserFor(t.app, (await userWith(t.app, ['admin:access', ...p.perms])).user.id);
      const url = await p.url(t.app);
      const res = await b.get(url);
      assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`);
      assert.ok(!/argon2|secret_hash|secretHash|password_hash|secret_enc/.test(res.body), `${url} leaks`);
      if (!url.includes('export')) {
        assert.match(res.body, /<nav class="admin-nav"/);
        assert.equal(res.headers['cache-control'], 'no-store');
      }
    }
  });

  it('refuses every form without its permission, or without the CSRF token, and changes nothing', async () => {
    for (const f of forms) {
      for (const missing of f.perms) {
        const b = await browserFor(t.app, (await userWith(t.app, ALL.filter((x) => x !== missing))).user.id);
        await b.get('/account');
        const [url, fields] = await f.call(t.app);
        const before = await fingerprint(t.app);
        const res = await b.post(url, fields);
        assert.equal(res.statusCode, 403, `${f.name} without ${missing}: ${res.statusCode}`);
        assert.match(res.body, /does not have permission/, `${f.name} without ${missing}: refused for another reason`);
        assert.equal(await fingerprint(t.app), before, `${f.name} without ${missing} changed something`);
      }
      const ok = await browserFor(t.app, (await userWith(t.app, ['admin:access', ...f.perms])).user.id);
      const [url, fields] = await f.call(t.app);
      const before = await fingerprint(t.app);
      const res = await ok.post(url, fields, { csrf: 'forged' });
      assert.equal(res.statusCode, 403, `${f.name} with a forged token`);
      assert.match(res.body, /did not come from this site/);
      assert.equal((await ok.post(url, fields, { csrf: null })).statusCode, 403, `${f.name} without a token`);
      assert.equal(await fingerprint(t.app), before, `${f.name} without CSRF changed something`);
    }
  });

  it('runs every form with its permission (redirect with a success flash, or the secret page)', async () => {
    for (const f of forms) {
      const b = await browserFor(t.app, (await userWith(t.app, ['admin:access', 'users:read', 'roles:read', 'clients:read', 'sessions:read', ...f.perms])).user.id);
      const [url, fields] = await f.call(t.app);
      const res = await b.post(url, fields);
      if (f.name === 'create client' || f.name === 'rotate secret') {
        assert.equal(res.statusCode, 200, `${f.name}: ${res.body.slice(0, 300)}`);
        assert.match(res.body, /id="client-secret">[A-Za-z0-9_-]{43}</);
        assert.equal(res.headers['cache-control'], 'no-store');
        continue;
      }
      assert.equal(res.statusCode, 303, `${f.name}: ${res.body.slice(0, 300)}`);
      const page = await b.get(res.headers.location as string);
      assert.match(page.body, /flash--success/, `${f.name}: ${/<div class="flash[^]*?<\/div>/.exec(page.body)?.[0]}`);
    }
  });

  it('destructive forms need their confirmation; user delete needs the typed email', async () => {
    const b = await browserFor(t.app, (await userWith(t.app, ['admin:access', 'users:read', 'users:write'])).user.id);
    const { user } = await createUser(t.app);
    let res = await b.post(`/admin/users/${user.id}/disable`, {});
    assert.equal(res.statusCode, 303);
    assert.match((await b.get(res.headers.location as string)).body, /flash--error[^]*confirm/);
    res = await b.post(`/admin/users/${user.id}/delete`, { confirm_email: 'someone-else@example.com' });
    assert.match((await b.get(res.headers.location as string)).body, /does not match/);
    const row = await t.app.db.user.findUniqueOrThrow({ where: { id: user.id } });
    assert.equal(row.disabledAt, null);
  });

  it('re-renders the new-user form with the reason and a 4xx, values kept, password never echoed', async () => {
    const b = await browserFor(t.app, (await userWith(t.app, ['admin:access', 'users:read', 'users:write'])).user.id);
    const { email } = await createUser(t.app);
    const dup = await b.post('/admin/users', { email, name: 'Twin', password: 'saffron-glacier-pepper-71', roles: ['user'] });
    assert.equal(dup.statusCode, 409);
    assert.match(dup.body, /role="alert"[^]*already exists/);
    assert.match(dup.body, new RegExp(`value="${email.replace(/[.+]/g, '\\$&')}"`));
    assert.ok(!dup.body.includes('saffron-glacier'));
    const weak = await b.post('/admin/users', { email: `weak-${randomUUID()}@example.com`, password: 'password123' });
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /role="alert"/);
  });

  it('shows a rule refusal (cycle) as an error on the same page', async () => {
    const b = await browserFor(t.app, (await userWith(t.app, ['admin:access', 'roles:read', 'roles:write'])).user.id);
    const parent = await t.app.db.role.create({ data: { name: 'page-parent' } });
    await t.app.db.role.create({ data: { name: 'page-child', parents: { create: [{ parentId: parent.id }] } } });
    const res = await b.post(`/admin/roles/${parent.id}`, { name: 'page-parent', inherits: ['page-child'] });
    assert.equal(res.headers.location, `/admin/roles/${parent.id}`);
    assert.match((await b.get(`/admin/roles/${parent.id}`)).body, /flash--error[^]*cycle/);
  });

  it('answers bad filter values with a 4xx page, never a 5xx', async () => {
    const b = await browserFor(t.app, (await userWith(t.app, ALL)).user.id);
    for (const url of ['/admin/audit?from=2026-13-45', '/admin/audit?to=yesterday', '/admin/users?page=0', '/admin/users?sort=password_hash', '/admin/users/not-a-uuid', '/admin/sessions?user_id=x', `/admin/roles/${randomUUID()}`, '/admin/clients/no%20such']) {
      const res = await b.get(url);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${url}: ${res.statusCode}`);
      assert.match(res.headers['content-type'] as string, /text\/html/, url);
    }
  });

  it('searches and pages the users list', async () => {
    await t.app.db.$executeRaw`INSERT INTO users (id, email, email_canonical, name, created_at, updated_at)
      SELECT gen_random_uuid(), 'listed' || i || '@example.com', 'listed' || i || '@example.com', 'Listed ' || i, now() - (i || ' s')::interval, now() FROM generate_series(1, 60) i`;
    await t.app.db.$executeRaw`INSERT INTO users (id, email, email_canonical, created_at, updated_at)
      SELECT gen_random_uuid(), 'other' || i || '@example.net', 'other' || i || '@example.net', now(), now() FROM generate_series(1, 200) i`;
    const b = await browserFor(t.app, (await userWith(t.app, ['admin:access', 'users:read'])).user.id);
    const page1 = (await b.get('/admin/users?q=listed&sort=email')).body;
    // a broad term among more users than the search's probe tests: the count stops past the page, and paging goes on
    assert.match(page1, /25\+ in all · page 1</);
    assert.match(page1, /listed1@example.com/);
    assert.match(page1, /href="\/admin\/users\?q=listed&amp;sort=email&amp;page=2"/);
    const page3 = (await b.get('/admin/users?q=listed&sort=email&page=3')).body;
    assert.equal((page3.match(/listed\d+@example.com/g) ?? []).length, 10);
    assert.match(page3, /60 in all · page 3 of 3/);
  });
});
