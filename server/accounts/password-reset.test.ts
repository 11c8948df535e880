// Password reset: same answer and similar timing for unknown emails; 1 h,
// single-use, superseded tokens; every session ends; policy applies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createMailTestApp, type TestContext } from '../test/fixture.ts';
import type { MailCatcher } from '../test/mail-catcher.ts';
import { createTestUser, tokenFromMail } from './testing.ts';
import { passwordHasher } from './hasher.ts';
import { sha256 } from '../security/crypto.ts';
import { createSession, isSessionActive } from '../sessions/session-service.ts';
import { RESET_REQUEST_FLOOR_MS } from './password-reset.ts';
import { issueEmailToken } from './email-tokens.ts';

let mail: MailCatcher;
let ctx: TestContext;
before(async () => ({ ctx, mail } = await createMailTestApp()));
after(() => ctx.close());

const PW = 'violet-tractor-91-sunrise';
const NEW = 'marble-harbour-47-lantern';
const post = (url: string, payload: unknown) => ctx.app.inject({ method: 'POST', url, payload: payload as object });

test('request: 202 and an identical body for known and unknown addresses, both after the timing floor', async () => {
  await createTestUser(ctx.app, { email: 'known@example.test', password: PW });
  const timed = async (email: string) => {
    const t = Date.now();
    const res = await post('/auth/password/reset/request', { email });
    return { res, ms: Date.now() - t };
  };
  const known = await timed('known@example.test');
  const unknown = await timed('unknown@example.test');
  assert.equal(known.res.statusCode, 202);
  assert.equal(unknown.res.statusCode, 202);
  assert.equal(known.res.body, unknown.res.body);
  assert.ok(known.ms >= RESET_REQUEST_FLOOR_MS && unknown.ms >= RESET_REQUEST_FLOOR_MS, `${known.ms} / ${unknown.ms}`);
  const m = await mail.waitFor('known@example.test');
  assert.match(m.subject, /reset/i);
  assert.ok(m.links[0]!.startsWith(`${ctx.config.issuer}/reset-password?token=`));
  const row = await ctx.services.db.emailToken.findUniqueOrThrow({ where: { tokenHash: sha256(tokenFromMail(m)) } });
  assert.equal(row.purpose, 'password_reset');
  assert.ok(Math.abs(row.expiresAt.getTime() - Date.now() - 3600_000) < 60_000, '1 hour');
  await ctx.app.mailer.flush();
  assert.equal(mail.to('unknown@example.test').length, 0);
});

test('confirm: sets the password, ends every session, mails a notice; the token works once', async () => {
  const user = await createTestUser(ctx.app, { email: 'reset@example.test', password: PW });
  const client = await ctx.services.db.client.findFirstOrThrow();
  const s1 = await createSession(ctx.app, { userId: user.id, clientId: client.id, amr: ['pwd'] });
  const s2 = await createSession(ctx.app, { userId: user.id, clientId: client.id, amr: ['pwd'] });
  await post('/auth/password/reset/request', { email: 'reset@example.test' });
  const token = tokenFromMail(await mail.waitFor('reset@example.test'));

  const res = await post('/auth/password/reset/confirm', { token, new_password: NEW });
  assert.equal(res.statusCode, 204, res.body);
  const after = await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
  assert.ok(await passwordHasher(ctx.app).verify(after.passwordHash, NEW));
  assert.equal(await passwordHasher(ctx.app).verify(after.passwordHash, PW), false);
  assert.equal(await isSessionActive(ctx.app, s1.id), false);
  assert.equal(await isSessionActive(ctx.app, s2.id), false);
  const notice = await mail.waitFor('reset@example.test');
  assert.match(notice.subject, /password was changed/i);
  assert.match(notice.text, /reset/);

  const reused = await post('/auth/password/reset/confirm', { token, new_password: 'another-fine-passphrase-9' });
  assert.equal(reused.statusCode, 400);
  assert.equal(reused.json().error, 'invalid_grant');
  const actions = (await ctx.services.db.auditEvent.findMany({ where: { targetId: user.id } })).map((a) => a.action);
  assert.ok(actions.includes('password.reset') && actions.includes('password.reset_requested'), actions.join());
});

test('confirm: a refused password keeps the link usable; superseded, expired and wrong-purpose tokens fail', async () => {
  const user = await createTestUser(ctx.app, { email: 'policy@example.test', password: PW, name: 'Policy Person' });
  await post('/auth/password/reset/request', { email: 'policy@example.test' });
  const old = tokenFromMail(await mail.waitFor('policy@example.test'));
  await post('/auth/password/reset/request', { email: 'policy@example.test' });
  const token = tokenFromMail(await mail.waitFor('policy@example.test'));

  assert.equal((await post('/auth/password/reset/confirm', { token: old, new_password: NEW })).json().error, 'invalid_grant', 'superseded');
  for (const bad of ['short', 'qwertyuiop', 'policy person', 'policy@example.test']) {
    const res = await post('/auth/password/reset/confirm', { token, new_password: bad });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error, 'invalid_request', bad);
  }
  // a verification token is not a reset token
  const verification = await issueEmailToken(ctx.app, user.id, 'email_verification');
  assert.equal((await post('/auth/password/reset/confirm', { token: verification, new_password: NEW })).json().error, 'invalid_grant');
  // still usable after the refusals, until it expires
  await ctx.services.db.emailToken.updateMany({ where: { tokenHash: sha256(token) }, data: { expiresAt: new Date(Date.now() - 1) } });
  assert.equal((await post('/auth/password/reset/confirm', { token, new_password: NEW })).json().error, 'invalid_grant', 'expired');
  await post('/auth/password/reset/request', { email: 'policy@example.test' });
  const fresh = tokenFromMail(await mail.waitFor('policy@example.test'));
  assert.equal((await post('/auth/password/reset/confirm', { token: fresh, new_password: NEW })).statusCode, 204);
});

test('confirm: of two concurrent uses of one token exactly one succeeds', async () => {
  await createTestUser(ctx.app, { email: 'race@example.test', password: PW });
  await post('/auth/password/reset/request', { email: 'race@example.test' });
  const token = tokenFromMail(await mail.waitFor('race@example.test'));
  const results = await Promise.all([NEW, 'another-fine-passphrase-9', 'third-quiet-meadow-lamp'].map((p) => post('/auth/password/reset/confirm', { token, new_password: p })));
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [204, 400, 400]);
});

test('an invitation link sets the first password, verifies the address and cannot be used for anything else', async () => {
  const { sendInvitationMail } = await import('./account-mail.ts');
  const role = await ctx.services.db.role.findUniqueOrThrow({ where: { name: 'user' } });
  const user = await ctx.services.db.user.create({ data: { email: 'invited@example.test', emailCanonical: 'invited@example.test', roles: { create: [{ roleId: role.id }] } } });
  await sendInvitationMail(ctx.app, user, 'Admin Person');
  const m = await mail.waitFor('invited@example.test');
  assert.match(m.subject, /invited/i);
  assert.match(m.text, /Admin Person has invited you/);
  const token = tokenFromMail(m);
  assert.equal((await ctx.services.db.emailToken.findUniqueOrThrow({ where: { tokenHash: sha256(token) } })).purpose, 'invitation');
  assert.equal((await post('/auth/email/verification/confirm', { token })).statusCode, 400, 'not a verification token');
  assert.equal((await post('/auth/password/reset/confirm', { token, new_password: NEW })).statusCode, 204);
  const row = await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
  assert.ok(row.emailVerifiedAt);
  assert.ok(await passwordHasher(ctx.app).verify(row.passwordHash, NEW));
  assert.ok(await ctx.services.db.auditEvent.findFirst({ where: { action: 'invitation.accepted', targetId: user.id } }));
});
