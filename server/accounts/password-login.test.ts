// verifyPasswordLogin reads the user, the TOTP state and the effective access in
// one statement: the row must be the one Prisma reads, only an enabled TOTP
// counts, and the access must be effectiveAccess's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createUser } from '../test/oauth.ts';
import { findUserForSignIn, verifyPasswordLogin } from './password-login.ts';
import { effectiveAccess } from '../rbac/effective-access.ts';
import { InvalidGrant } from '../http/errors.ts';

describe('password login', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('returns the user row as Prisma reads it, with mfaEnabled', async () => {
    const { user, email, password } = await createUser(t.app, { email: 'Mixed.Case@Example.COM', name: 'Zoë' });
    const row = await t.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
    const signedIn = await verifyPasswordLogin(t.app, { email: '  mixed.case@example.com ', password, ip: '203.0.113.1' });
    const { mfaEnabled, access, ...rest } = signedIn;
    assert.equal(mfaEnabled, false);
    assert.deepEqual(access, { roles: [], permissions: [] });
    assert.deepEqual(rest, row);
    assert.equal(await findUserForSignIn(t.app, 'nobody@example.com'), null);
    assert.equal((await findUserForSignIn(t.app, email.toLowerCase()))?.id, user.id);
  });

  it('counts TOTP only once it is enabled (a pending enrolment is not a second factor yet)', async () => {
    const { user, email, password } = await createUser(t.app);
    await t.services.db.userMfa.create({ data: { userId: user.id, secretEnc: 'x' } });
    assert.equal((await verifyPasswordLogin(t.app, { email, password })).mfaEnabled, false);
    await t.services.db.userMfa.update({ where: { userId: user.id }, data: { enabledAt: new Date() } });
    assert.equal((await verifyPasswordLogin(t.app, { email, password })).mfaEnabled, true);
  });

  it('reads the same access as effectiveAccess: nested roles, shared permissions, a cycle', async () => {
    const db = t.services.db;
    const [read, write, audit] = await Promise.all(['pl:read', 'pl:write', 'pl:audit'].map((name) => db.permission.create({ data: { name } })));
    const base = await db.role.create({ data: { name: 'pl-base', permissions: { create: [{ permissionId: read!.id }] } } });
    const mid = await db.role.create({ data: { name: 'pl-mid', permissions: { create: [{ permissionId: write!.id }, { permissionId: read!.id }] }, parents: { create: [{ parentId: base.id }] } } });
    const top = await db.role.create({ data: { name: 'pl-top', parents: { create: [{ parentId: mid.id }] } } });
    await db.role.create({ data: { name: 'pl-side', permissions: { create: [{ permissionId: audit!.id }] }, parents: { create: [{ parentId: top.id }] } } });
    await db.roleParent.create({ data: { roleId: base.id, parentId: top.id } });
    const { user, email, password } = await createUser(t.app, { roles: ['pl-top', 'pl-side', 'admin'] });
    const { access } = await verifyPasswordLogin(t.app, { email, password });
    assert.deepEqual(access, await effectiveAccess(db, user.id));
    assert.deepEqual(access.roles.filter((r) => r.startsWith('pl-')), ['pl-base', 'pl-mid', 'pl-side', 'pl-top']);
    assert.deepEqual(access.permissions.filter((p) => p.startsWith('pl:')), ['pl:audit', 'pl:read', 'pl:write']);
    assert.ok(access.permissions.includes('admin:access'));
  });

  it('refuses a wrong password, an unknown email and a disabled user alike, and audits each', async () => {
    const { email } = await createUser(t.app);
    const disabled = await createUser(t.app, { disabled: true });
    for (const input of [{ email, password: 'wrong wrong wrong' }, { email: 'ghost@example.com', password: 'x' }, { email: disabled.email, password: disabled.password }]) {
      await assert.rejects(verifyPasswordLogin(t.app, input), InvalidGrant);
    }
    const reasons = (await t.services.db.auditEvent.findMany({ where: { action: 'login.failed' }, orderBy: { id: 'asc' } })).map((e) => (e.details as { reason: string }).reason);
    assert.deepEqual(reasons, ['wrong_password', 'unknown_email', 'disabled']);
  });
});
