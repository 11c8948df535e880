// POST /auth/password/change: current password required, policy applies, every
// other session ends (this one stays), a notice is mailed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createMailTestApp, type TestContext } from '../test/fixture.ts';
import type { MailCatcher } from '../test/mail-catcher.ts';
import { createTestUser, signInForTest } from './testing.ts';
import { passwordHasher } from './hasher.ts';
import { isSessionActive } from '../sessions/session-service.ts';

let mail: MailCatcher;
let ctx: TestContext;
before(async () => ({ ctx, mail } = await createMailTestApp()));
after(() => ctx.close());

const PW = 'violet-tractor-91-sunrise';
const NEW = 'marble-harbour-47-lantern';
const change = (headers: Record<string, string>, payload: object) => ctx.app.inject({ method: 'POST', url: '/auth/password/change', headers, payload });

test('change: 204, other sessions end, this one stays, notice mailed, audited', async () => {
  const user = await createTestUser(ctx.app, { email: 'change@example.test', password: PW });
  const mine = await signInForTest(ctx.app, user.id);
  const other = await signInForTest(ctx.app, user.id);
  const res = await change(mine.bearer, { current_password: PW, new_password: NEW });
  assert.equal(res.statusCode, 204, res.body);
  const row = await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
  assert.ok(await passwordHasher(ctx.app).verify(row.passwordHash, NEW));
  assert.equal(await isSessionActive(ctx.app, mine.session.id), true);
  assert.equal(await isSessionActive(ctx.app, other.session.id), false);
  // the other session's access token stops working at once
  assert.equal((await change(other.bearer, { current_password: NEW, new_password: PW })).statusCode, 401);
  const m = await mail.waitFor('change@example.test');
  assert.match(m.subject, /password was changed/i);
  assert.ok(await ctx.services.db.auditEvent.findFirst({ where: { action: 'password.changed', targetId: user.id } }));
});

test('change: a wrong current password, a policy violation or the same password change nothing', async () => {
  const user = await createTestUser(ctx.app, { email: 'nochange@example.test', password: PW, name: 'Nora Change' });
  const { bearer } = await signInForTest(ctx.app, user.id);
  const wrong = await change(bearer, { current_password: 'not-the-password-1', new_password: NEW });
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.json().error, 'invalid_grant');
  for (const bad of ['short', '1234567890', 'nora change', 'nochange@example.test', PW]) {
    const res = await change(bearer, { current_password: PW, new_password: bad });
    assert.equal(res.statusCode, 400, bad);
    assert.equal(res.json().error, 'invalid_request', bad);
  }
  assert.equal((await change(bearer, { new_password: NEW })).statusCode, 400);
  assert.equal((await change({}, { current_password: PW, new_password: NEW })).statusCode, 401);
  const row = await ctx.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
  assert.ok(await passwordHasher(ctx.app).verify(row.passwordHash, PW));
  assert.ok(await ctx.services.db.auditEvent.findFirst({ where: { action: 'password.change_failed', targetId: user.id } }));
});
