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
import { PasswordHasher } from '../security/passwords.ts';
import argon2 from 'argon2';

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

  it('upgrades a hash made with other argon2 parameters at the next sign-in, and only then', async () => {
    const { user, email, password } = await createUser(t.app);
    const current = t.app.config.argon2;
    const older = new PasswordHasher({ ...current, timeCost: current.timeCost + 1 });
    const oldHash = await older.hash(password);
    await t.services.db.user.update({ where: { id: user.id }, data: { passwordHash: oldHash } });
    const hashOf = async () => (await t.services.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!;

    await assert.rejects(verifyPasswordLogin(t.app, { email, password: 'not the password' }), InvalidGrant);
    assert.equal(await hashOf(), oldHash, 'a wrong password changes nothing');
    await verifyPasswordLogin(t.app, { email, password });
    const upgraded = await hashOf();
    assert.notEqual(upgraded, oldHash);
    assert.equal(argon2.needsRehash(upgraded, current), false, upgraded);
    await verifyPasswordLogin(t.app, { email, password });
    assert.equal(await hashOf(), upgraded, 'a current hash is kept');
  });

  it('needsRehash: false only for the current parameters', async () => {
    const current = t.app.config.argon2;
    const hasher = new PasswordHasher(current);
    const fresh = await hasher.hash('pw');
    assert.ok(fresh.startsWith(hasher.currentPrefix), `${fresh} (the check without parsing must match what argon2 writes)`);
    assert.equal(hasher.needsRehash(fresh), false);
    for (const other of [{ memoryCost: current.memoryCost * 2 }, { timeCost: current.timeCost + 1 }, { parallelism: current.parallelism + 1 }]) {
      assert.equal(hasher.needsRehash(await new PasswordHasher({ ...current, ...other }).hash('pw')), true, JSON.stringify(other));
    }
    // same numbers, but a prefix that only looks alike (m=40960 against m=4096)
    const longer = await new PasswordHasher({ ...current, memoryCost: Number(`${current.memoryCost}0`) }).hash('pw');
    assert.equal(hasher.needsRehash(longer), true);
  });
});
