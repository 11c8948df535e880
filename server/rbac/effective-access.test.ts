import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createUser } from '../test/oauth.ts';
import { effectiveAccess } from './effective-access.ts';

describe('effective access (roles with inheritance)', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('includes inherited roles and their permissions, transitively', async () => {
    const db = t.services.db;
    const p1 = await db.permission.create({ data: { name: 'reports:read' } });
    const p2 = await db.permission.create({ data: { name: 'reports:write' } });
    const viewer = await db.role.create({ data: { name: 'viewer', permissions: { create: [{ permissionId: p1.id }] } } });
    const editor = await db.role.create({ data: { name: 'editor', permissions: { create: [{ permissionId: p2.id }] }, parents: { create: [{ parentId: viewer.id }] } } });
    const chief = await db.role.create({ data: { name: 'chief', parents: { create: [{ parentId: editor.id }] } } });
    const { user } = await createUser(t.app, { roles: ['chief'] });
    const access = await effectiveAccess(db, user.id);
    assert.deepEqual(access.roles, ['chief', 'editor', 'viewer']);
    assert.deepEqual(access.permissions, ['reports:read', 'reports:write']);
    // a cycle (viewer inherits chief) must not loop
    await db.roleParent.create({ data: { roleId: viewer.id, parentId: chief.id } });
    const again = await effectiveAccess(db, user.id);
    assert.deepEqual(again.permissions, ['reports:read', 'reports:write']);
  });

  it('gives admin every built-in permission and a user without roles nothing', async () => {
    const { user: admin } = await createUser(t.app, { roles: ['admin'] });
    const a = await effectiveAccess(t.services.db, admin.id);
    assert.ok(a.permissions.includes('admin:access') && a.permissions.includes('users:write'));
    const { user } = await createUser(t.app);
    assert.deepEqual(await effectiveAccess(t.services.db, user.id), { roles: [], permissions: [] });
  });
});
