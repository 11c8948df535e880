// verifyPasswordLogin reads the user and the TOTP state in one statement: the
// row must be the one Prisma reads, and only an enabled TOTP counts.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createUser } from '../test/oauth.ts';
import { findUserForSignIn, verifyPasswordLogin } from './password-login.ts';
import { InvalidGrant } from '../http/errors.ts';

describe('password login', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('returns the user row as Prisma reads it, with mfaEnabled', async () => {
    const { user, email, password } = await createUser(t.app, { email: 'Mixed.Case@Example.COM', name: 'Zoë' });
    const row = await t.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
    const signedIn = await verifyPasswordLogin(t.app, { email: '  mixed.case@example.com ', password, ip: '203.0.113.1' });
    const { mfaEnabled, ...rest } = signedIn;
    assert.equal(mfaEnabled, false);
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
