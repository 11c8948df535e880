// POST /auth/register and email verification (DESIGN §5; no enumeration).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createMailTestApp, type TestContext } from '../test/fixture.ts';
import type { MailCatcher } from '../test/mail-catcher.ts';
import { createTestUser, tokenFromMail } from './testing.ts';
import { sha256 } from '../security/crypto.ts';

let mail: MailCatcher;
let ctx: TestContext;
before(async () => ({ ctx, mail } = await createMailTestApp()));
after(() => ctx.close());

const PW = 'violet-tractor-91-sunrise';
const post = (url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, payload: payload as object });

test('registration: 201, role user, unverified, verification mail; the link verifies once', async () => {
  const res = await post('/auth/register', { email: '  New.Person@EXAMPLE.test ', password: PW, name: 'New Person', role: 'admin' });
  assert.equal(res.statusCode, 201);
  const user = await ctx.services.db.user.findUniqueOrThrow({ where: { emailCanonical: 'new.person@example.test' }, include: { roles: { include: { role: true } } } });
  assert.equal(user.email, 'New.Person@example.test');
  assert.equal(user.name, 'New Person');
  assert.equal(user.emailVerifiedAt, null);
  assert.deepEqual(user.roles.map((r) => r.role.name), ['user']);
  assert.ok(user.passwordHash?.startsWith('$argon2id$'));

  const m = await mail.waitFor('new.person@example.test', { subject: /confirm/i });
  const token = tokenFromMail(m);
  assert.ok(m.links[0]!.startsWith(`${ctx.config.issuer}/verify-email?token=`));
  // stored hashed, with its purpose and a 24 h expiry
  const row = await ctx.services.db.emailToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } });
  assert.equal(row.purpose, 'email_verification');
  assert.ok(Math.abs(row.expiresAt.getTime() - Date.now() - 24 * 3600_000) < 60_000);

  assert.equal((await post('/auth/email/verification/confirm', { token })).statusCode, 204);
  const verified = await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
  assert.ok(verified.emailVerifiedAt);
  const again = await post('/auth/email/verification/confirm', { token });
  assert.equal(again.statusCode, 400);
  assert.equal(again.json().error, 'invalid_grant');
  const audit = await ctx.services.db.auditEvent.findMany({ where: { targetId: user.id }, orderBy: { id: 'asc' } });
  assert.deepEqual(audit.map((a) => a.action).filter((a) => a.startsWith('user.') || a.startsWith('email.')), ['user.registered', 'email.verified']);
});

test('registration of a taken email answers the same body and mails the owner instead', async () => {
  await createTestUser(ctx.app, { email: 'taken@example.test', password: PW });
  const fresh = await post('/auth/register', { email: 'fresh@example.test', password: PW });
  const taken = await post('/auth/register', { email: 'TAKEN@example.test', password: PW });
  assert.equal(taken.statusCode, 201);
  assert.equal(taken.body, fresh.body);
  assert.deepEqual(Object.keys(taken.headers).sort(), Object.keys(fresh.headers).sort());
  const notice = await mail.waitFor('taken@example.test');
  assert.match(notice.subject, /someone tried to register/i);
  assert.equal(await ctx.services.db.user.count({ where: { emailCanonical: 'taken@example.test' } }), 1);
});

test('registration refuses policy violations and bad input with 400 and creates nothing', async () => {
  const cases: Array<[object, RegExp]> = [
    [{ email: 'p1@example.test', password: 'short' }, /at least 10/],
    [{ email: 'p2@example.test', password: 'a'.repeat(257) }, /at most 256/],
    [{ email: 'p3@example.test', password: 'qwertyuiop' }, /commonly used/],
    [{ email: 'p4.someone@example.test', password: 'p4.someone@example.test' }, /email address or name/],
    [{ email: 'p5@example.test', password: 'Zebulon Quartermaine', name: 'zebulon quartermaine' }, /email address or name/],
    [{ email: 'not-an-email', password: PW }, /email/],
    [{ password: PW }, /email/],
    [{ email: 'p6@example.test' }, /password/],
    // a bidi override would let a name display as something else (in the admin console, in mail)
    [{ email: 'p7@example.test', password: PW, name: 'Eve \u202Enimda' }, /name: Use letters/],
  ];
  for (const [body, why] of cases) {
    const res = await post('/auth/register', body);
    assert.equal(res.statusCode, 400, JSON.stringify(body));
    assert.equal(res.json().error, 'invalid_request');
    assert.match(res.json().error_description, why);
  }
  assert.equal(await ctx.services.db.user.count({ where: { emailCanonical: { startsWith: 'p' } } }), 0);
});

test('verification request: 202 with the same body for unknown, unverified and verified addresses', async () => {
  await createTestUser(ctx.app, { email: 'unverified@example.test', password: PW, verified: false });
  await createTestUser(ctx.app, { email: 'verified@example.test', password: PW });
  const bodies = [];
  for (const email of ['nobody@example.test', 'unverified@example.test', 'verified@example.test']) {
    const res = await post('/auth/email/verification/request', { email });
    assert.equal(res.statusCode, 202);
    bodies.push(res.body);
  }
  assert.equal(new Set(bodies).size, 1);
  const m = await mail.waitFor('unverified@example.test');
  assert.equal((await post('/auth/email/verification/confirm', { token: tokenFromMail(m) })).statusCode, 204);
  await ctx.app.mailer.flush();
  assert.equal(mail.to('verified@example.test').length, 0);
  assert.equal(mail.to('nobody@example.test').length, 0);
});

test('verification tokens: expired, superseded, wrong-purpose and garbage tokens are refused', async () => {
  const user = await createTestUser(ctx.app, { email: 'tokens@example.test', password: PW, verified: false });
  await post('/auth/email/verification/request', { email: 'tokens@example.test' });
  const first = tokenFromMail(await mail.waitFor('tokens@example.test'));
  await post('/auth/email/verification/request', { email: 'tokens@example.test' });
  const second = tokenFromMail(await mail.waitFor('tokens@example.test'));
  // superseded by the newer link
  assert.equal((await post('/auth/email/verification/confirm', { token: first })).json().error, 'invalid_grant');
  // a reset token is not a verification token
  await post('/auth/password/reset/request', { email: 'tokens@example.test' });
  const reset = tokenFromMail(await mail.waitFor('tokens@example.test', { subject: /reset/i }));
  const wrong = await post('/auth/email/verification/confirm', { token: reset });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error, 'invalid_grant');
  // expired
  await ctx.services.db.emailToken.updateMany({ where: { tokenHash: sha256(second) }, data: { expiresAt: new Date(Date.now() - 1000) } });
  assert.equal((await post('/auth/email/verification/confirm', { token: second })).statusCode, 400);
  for (const token of ['x', 'not a token!', 'A'.repeat(150)]) {
    assert.equal((await post('/auth/email/verification/confirm', { token })).statusCode, 400);
  }
  assert.equal((await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } })).emailVerifiedAt, null);
});
