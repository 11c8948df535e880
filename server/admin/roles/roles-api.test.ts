// Roles and permissions through the admin API: inheritance with cycle refusal,
// effective permissions and member counts, the built-in admin role's
// protections, and permission deletion refused while in use unless cascaded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../../test/fixture.ts';
import { createUser } from '../../test/oauth.ts';
import { effectiveAccess } from '../../rbac/effective-access.ts';
import { accessTokenFor, adminUser } from '../testing.ts';

type Json = Record<string, any>;

describe('admin API: roles and permissions', () => {
  let t: TestContext;
  let admin: Awaited<ReturnType<typeof adminUser>>;
  const api = (method: string, url: string, payload?: object) =>
    t.app.inject({ method: method as 'GET', url: `/admin/api${url}`, payload, headers: admin.headers });
  const create = async (name: string, body: object = {}) => {
    const res = await api('POST', '/roles', { name, ...body });
    assert.equal(res.statusCode, 201, res.body);
    return res.json() as Json;
  };

  before(async () => {
    t = await createTestApp();
    admin = await adminUser(t.app);
  });
  after(() => t.close());

  it('creates permissions (validated resource:action) and roles that inherit them', async () => {
    for (const bad of ['reports', 'Reports:Read', 'reports:', ':read', 'reports:read:all', 'a b:read']) {
      const res = await api('POST', '/permissions', { name: bad });
      assert.equal(res.statusCode, 400, `${bad}: ${res.body}`);
    }
    const perm = await api('POST', '/permissions', { name: 'reports:read', description: 'Read reports' });
    assert.equal(perm.statusCode, 201, perm.body);
    assert.equal((await api('POST', '/permissions', { name: 'reports:read' })).statusCode, 409);
    const operator = await create('operator', { permissions: ['reports:read', 'users:read'], description: 'Reads things' });
    const manager = await create('manager', { permissions: ['users:write'], inherits: ['operator'] });
    assert.deepEqual(manager.inherits, ['operator']);
    assert.deepEqual(manager.permissions, ['users:write']);
    assert.deepEqual(manager.effective_permissions, ['reports:read', 'users:read', 'users:write']);
    const { user } = await createUser(t.app, { roles: ['manager'] });
    const access = await effectiveAccess(t.app.db, user.id);
    assert.ok(access.permissions.includes('reports:read'));
    const read = (await api('GET', `/roles/${operator.id}`)).json() as Json;
    assert.equal(read.member_count, 0);
    assert.equal((await api('GET', `/roles/${manager.id}`)).json().member_count, 1);
    const holders = (await api('GET', `/permissions/${perm.json().id}`)).json() as Json;
    assert.deepEqual(holders.roles, ['operator']);
    assert.equal((await api('POST', '/roles', { name: 'ghost', permissions: ['nope:none'] })).statusCode, 400);
    assert.equal((await api('POST', '/roles', { name: 'operator' })).statusCode, 409);
    assert.equal(await t.app.db.role.count({ where: { name: 'ghost' } }), 0);
  });

  it('refuses cycles with a clear message and changes nothing', async () => {
    const a = await create('cyc-a');
    const b = await create('cyc-b', { inherits: ['cyc-a'] });
    const c = await create('cyc-c', { inherits: ['cyc-b'] });
    const res = await api('PATCH', `/roles/${a.id}`, { inherits: ['cyc-c'] });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().error_description, /cyc-a.*cannot inherit from 'cyc-c'.*cycle/);
    const self = await api('PATCH', `/roles/${a.id}`, { inherits: ['cyc-a'] });
    assert.equal(self.statusCode, 400);
    assert.match(self.json().error_description, /itself/);
    assert.deepEqual((await api('GET', `/roles/${a.id}`)).json().inherits, []);
    assert.ok(b && c);
  });

  it('renames, describes and deletes roles, with before/after audit', async () => {
    const r = await create('temp-role', { permissions: ['users:read'] });
    const res = await api('PATCH', `/roles/${r.id}`, { name: 'renamed-role', description: 'now described' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().name, 'renamed-role');
    assert.deepEqual(res.json().permissions, ['users:read']);
    const ev = await t.app.db.auditEvent.findFirstOrThrow({ where: { action: 'role.updated', targetId: r.id } });
    assert.equal((ev.details as Json).before.name, 'temp-role');
    assert.equal((ev.details as Json).after.name, 'renamed-role');
    assert.equal(ev.actorId, admin.user.id);
    assert.equal((await api('DELETE', `/roles/${r.id}`)).statusCode, 204);
    assert.equal((await api('GET', `/roles/${r.id}`)).statusCode, 404);
  });

  it('protects the built-in roles', async () => {
    const adminRole = await t.app.db.role.findUniqueOrThrow({ where: { name: 'admin' } });
    const lose = await api('PATCH', `/roles/${adminRole.id}`, { permissions: ['users:read'] });
    assert.equal(lose.statusCode, 409);
    assert.match(lose.json().error_description, /admin:access/);
    assert.equal((await api('PATCH', `/roles/${adminRole.id}`, { name: 'root' })).statusCode, 409);
    assert.equal((await api('DELETE', `/roles/${adminRole.id}`)).statusCode, 409);
    const view = (await api('GET', `/roles/${adminRole.id}`)).json() as Json;
    assert.ok(view.permissions.includes('admin:access'));
    assert.equal(view.name, 'admin');
  });

  it('refuses to delete a permission in use unless cascaded', async () => {
    const perm = (await api('POST', '/permissions', { name: 'billing:refund' })).json() as Json;
    await create('billing', { permissions: ['billing:refund'] });
    const refused = await api('DELETE', `/permissions/${perm.id}`);
    assert.equal(refused.statusCode, 409);
    assert.match(refused.json().error_description, /billing/);
    assert.ok(await t.app.db.permission.findUnique({ where: { id: perm.id } }));
    assert.equal((await api('DELETE', `/permissions/${perm.id}?cascade=true`)).statusCode, 204);
    assert.equal(await t.app.db.permission.count({ where: { name: 'billing:refund' } }), 0);
    const builtin = await t.app.db.permission.findUniqueOrThrow({ where: { name: 'users:read' } });
    assert.equal((await api('DELETE', `/permissions/${builtin.id}?cascade=true`)).statusCode, 409);
  });

  it('expresses admin > manager > operator by inheritance: an operator reads users but cannot change roles', async () => {
    await create('h-operator', { permissions: ['admin:access', 'users:read', 'roles:read'] });
    await create('h-manager', { permissions: ['users:write', 'roles:write'], inherits: ['h-operator'] });
    const op = await createUser(t.app, { roles: ['h-operator'] });
    const mgr = await createUser(t.app, { roles: ['h-manager'] });
    const target = await createUser(t.app, { roles: ['user'] });
    const opH = { authorization: `Bearer ${await accessTokenFor(t.app, op.user.id)}` };
    const mgrH = { authorization: `Bearer ${await accessTokenFor(t.app, mgr.user.id)}` };
    const as = (headers: object, method: string, url: string, payload?: object) => t.app.inject({ method: method as 'GET', url: `/admin/api${url}`, payload, headers: headers as Record<string, string> });
    assert.equal((await as(opH, 'GET', '/users')).statusCode, 200);
    assert.equal((await as(opH, 'GET', '/roles')).statusCode, 200);
    assert.equal((await as(opH, 'PUT', `/users/${target.user.id}/roles`, { roles: ['h-operator'] })).statusCode, 403);
    assert.equal((await as(opH, 'PATCH', `/users/${target.user.id}`, { name: 'x' })).statusCode, 403);
    assert.equal((await as(opH, 'GET', '/audit')).statusCode, 403);
    const promoted = await as(mgrH, 'PUT', `/users/${target.user.id}/roles`, { roles: ['h-operator'] });
    assert.equal(promoted.statusCode, 200, promoted.body);
    assert.deepEqual(promoted.json().roles, ['h-operator']);
  });

  it('lists roles and permissions with pagination', async () => {
    const roles = (await api('GET', '/roles?per_page=2')).json() as Json;
    assert.equal(roles.items.length, 2);
    assert.equal(roles.items[0].name, 'admin');
    assert.ok(roles.total >= 5);
    const perms = (await api('GET', '/permissions?q=users')).json() as Json;
    assert.deepEqual(perms.items.map((p: Json) => p.name), ['users:read', 'users:write']);
    assert.ok(perms.items[0].roles.includes('admin'));
  });
});
