import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp } from '../test/fixture.ts';
import { createUser, uniqueEmail } from '../test/oauth.ts';
import { verifyPasswordLogin } from '../accounts/password-login.ts';
import { HttpError } from '../http/errors.ts';
import { lockDurationMs, lockoutStatus, unlockAccount } from './lockout.ts';

const env = { LOCKOUT_THRESHOLD: '3', LOCKOUT_BASE: '1m', LOCKOUT_MAX: '10m' };

/** the HTTP answer a sign-in would get: status, code, description, Retry-After */
async function attempt(app: Parameters<typeof verifyPasswordLogin>[0], email: string, password: string) {
  try {
    await verifyPasswordLogin(app, { email, password, ip: '10.0.0.1' });
    return { status: 200 };
  } catch (err) {
    assert.ok(err instanceof HttpError, String(err));
    return { status: err.statusCode, error: err.code, description: err.description.replace(/\d+ s$/, 'N s'), retry: err.headers['retry-after'] ? 'set' : undefined };
  }
}

test('N failures lock the account, even against the right password; unknown emails get the very same answers', async () => {
  const t = await createTestApp({ env });
  try {
    const { email, password, user } = await createUser(t.app);
    const ghost = uniqueEmail('ghost');
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await attempt(t.app, email, 'wrong password ' + i));
      unknown.push(await attempt(t.app, ghost, 'wrong password ' + i));
    }
    assert.deepEqual(known, unknown, 'lockout must not reveal which emails exist');
    assert.deepEqual(known.slice(0, 3).map((r: any) => r.status), [400, 400, 400]);
    assert.deepEqual(known.slice(3).map((r: any) => [r.status, r.error, r.retry]), [[429, 'too_many_requests', 'set'], [429, 'too_many_requests', 'set']]);
    // the right password does not get through a lock (or brute force would go on)
    assert.equal((await attempt(t.app, email, password)).status, 429);
    assert.equal((await attempt(t.app, email.toUpperCase(), password)).status, 429, 'case variants are one account');
    // other accounts are untouched
    const other = await createUser(t.app);
    assert.equal((await attempt(t.app, other.email, other.password)).status, 200);

    const audits = await t.app.db.auditEvent.findMany({ where: { action: 'account.locked' } });
    assert.equal(audits.length, 2, 'one lock per account, known and unknown');
    assert.ok(audits.some((a) => a.targetId === user.id));

    // an admin unlocks; the right password works again
    assert.equal((await lockoutStatus(t.app, email)).lockedForSeconds > 0, true);
    assert.equal(await unlockAccount(t.app, user.id, { id: null }), true);
    assert.equal(await unlockAccount(t.app, '00000000-0000-0000-0000-000000000000'), false);
    assert.equal(await unlockAccount(t.app, 'not-a-uuid'), false);
    assert.equal((await attempt(t.app, email, password)).status, 200);
    assert.equal(await t.app.db.auditEvent.count({ where: { action: 'account.unlocked', targetId: user.id } }), 1);
  } finally {
    await t.close();
  }
});

test('a successful sign-in resets the count', async () => {
  const t = await createTestApp({ env });
  try {
    const { email, password } = await createUser(t.app);
    for (let round = 0; round < 3; round++) {
      assert.equal((await attempt(t.app, email, 'nope nope nope')).status, 400);
      assert.equal((await attempt(t.app, email, 'nope nope nope')).status, 400);
      assert.equal((await attempt(t.app, email, password)).status, 200);
    }
    assert.equal((await lockoutStatus(t.app, email)).failures, 0);
  } finally {
    await t.close();
  }
});

test('a sign-in clears the failure count only when there is one (one store read, no write otherwise)', async () => {
  const t = await createTestApp({ env });
  try {
    const { email, password } = await createUser(t.app);
    const calls: string[] = [];
    for (const method of ['get', 'ttl', 'getWithTtl', 'delete'] as const) {
      const original = t.app.store[method].bind(t.app.store) as (...args: string[]) => Promise<unknown>;
      (t.app.store as unknown as Record<string, unknown>)[method] = (...args: string[]) => { calls.push(method); return original(...args); };
    }
    assert.equal((await attempt(t.app, email, password)).status, 200);
    assert.deepEqual(calls, ['getWithTtl'], 'nothing to clear');
    assert.equal((await attempt(t.app, email, 'nope nope nope')).status, 400);
    calls.length = 0;
    assert.equal((await attempt(t.app, email, password)).status, 200);
    assert.deepEqual(calls, ['getWithTtl', 'delete'], 'the streak is cleared');
    assert.equal((await lockoutStatus(t.app, email)).failures, 0);
  } finally {
    await t.close();
  }
});

test('backoff doubles with each further failure, capped; the lock lives in the Store', async () => {
  const t = await createTestApp({ env: { LOCKOUT_THRESHOLD: '2', LOCKOUT_BASE: '1s', LOCKOUT_MAX: '4s' } });
  try {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => lockDurationMs(t.app, n)), [0, 1000, 2000, 4000, 4000, 4000]);
    const { email } = await createUser(t.app);
    await attempt(t.app, email, 'wrong 1');
    await attempt(t.app, email, 'wrong 2');
    assert.equal((await lockoutStatus(t.app, email)).lockedForSeconds, 1);
    assert.equal((await attempt(t.app, email, 'wrong 3')).status, 429);
    await new Promise((r) => setTimeout(r, 1100));
    // lock over: the next failure locks again, twice as long
    assert.equal((await attempt(t.app, email, 'wrong 3')).status, 400);
    const s = await lockoutStatus(t.app, email);
    assert.equal(s.failures, 3);
    assert.equal(s.lockedForSeconds, 2);
  } finally {
    await t.close();
  }
});

test('wrong TOTP codes count too: the right password plus wrong codes, again and again, locks the account', async () => {
  const { generate } = await import('otplib');
  const { setupTotp, enableTotp, verifySecondFactor } = await import('../mfa/totp-service.ts');
  const t = await createTestApp({ env });
  try {
    const { email, password, user } = await createUser(t.app);
    const { secret } = await setupTotp(t.app, user);
    await enableTotp(t.app, user, await generate({ secret }));
    for (let i = 0; i < 3; i++) {
      assert.equal((await attempt(t.app, email, password)).status, 200, `round ${i}: the password is right`);
      await assert.rejects(verifySecondFactor(t.app, user, { code: '000000' }, '10.0.0.1', { signIn: true }), (err: HttpError) => err.statusCode === 400 || err.statusCode === 401);
    }
    const locked = await attempt(t.app, email, password);
    assert.equal(locked.status, 429, 'the password step is locked after 3 wrong codes');
    await assert.rejects(verifySecondFactor(t.app, user, { code: await generate({ secret }) }, '10.0.0.1', { signIn: true }), (err: HttpError) => err.statusCode === 429);
    assert.equal(await t.app.db.auditEvent.count({ where: { action: 'account.locked', targetId: user.id } }), 1);
  } finally {
    await t.close();
  }
});

test('an admin unlocks through the admin API; a plain user may not', async () => {
  const { login } = await import('../test/oauth.ts');
  const t = await createTestApp({ env });
  try {
    const admin = await createUser(t.app, { roles: ['admin'] });
    const plain = await createUser(t.app, { roles: ['user'] });
    const victim = await createUser(t.app);
    for (let i = 0; i < 3; i++) await attempt(t.app, victim.email, 'wrong password!');
    assert.equal((await attempt(t.app, victim.email, victim.password)).status, 429);
    const url = `/admin/api/users/${victim.user.id}/unlock`;
    const asPlain = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${(await login(t.app, plain.email, plain.password)).access_token}` } });
    assert.equal(asPlain.statusCode, 403);
    assert.equal((await attempt(t.app, victim.email, victim.password)).status, 429, 'still locked');
    const res = await t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${(await login(t.app, admin.email, admin.password)).access_token}` } });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { unlocked: true });
    assert.equal((await attempt(t.app, victim.email, victim.password)).status, 200);
    const audit = await t.app.db.auditEvent.findFirst({ where: { action: 'account.unlocked', targetId: victim.user.id } });
    assert.equal(audit?.actorId, admin.user.id);
  } finally {
    await t.close();
  }
});
