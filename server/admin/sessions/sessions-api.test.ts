// Active sessions for operators: listed with user, client, IP and user agent,
// filtered by user and client; ending one stops its access tokens at once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../../test/fixture.ts';
import { createClient, createUser } from '../../test/oauth.ts';
import { createSession } from '../../sessions/session-service.ts';
import { adminUser, userWith } from '../testing.ts';

type Json = Record<string, any>;

describe('admin API: sessions', () => {
  let t: TestContext;
  let admin: Awaited<ReturnType<typeof adminUser>>;
  const api = (method: string, url: string, headers = admin.headers) => t.app.inject({ method: method as 'GET', url: `/admin/api${url}`, headers });
  before(async () => {
    t = await createTestApp();
    admin = await adminUser(t.app);
  });
  after(() => t.close());

  it('lists active sessions with user, client, IP and user agent, filtered', async () => {
    const { user } = await createUser(t.app);
    const { clientId } = await createClient(t.app, { name: 'Reporting', grantTypes: ['password', 'refresh_token'] });
    const s1 = await createSession(t.app, { userId: user.id, clientId, amr: ['pwd'], ip: '198.51.100.7', userAgent: 'Mozilla/5.0 Test' });
    const s2 = await createSession(t.app, { userId: user.id, clientId: 'latchkey', amr: ['pwd', 'otp'] });
    const ended = await createSession(t.app, { userId: user.id, clientId, amr: ['pwd'] });
    await t.app.db.session.update({ where: { id: ended.id }, data: { revokedAt: new Date() } });
    const mine = (await api('GET', `/sessions?user_id=${user.id}`)).json() as Json;
    assert.equal(mine.total, 2);
    assert.deepEqual(mine.items.map((s: Json) => s.id).sort(), [s1.id, s2.id].sort());
    const one = (await api('GET', `/sessions?user_id=${user.id}&client_id=${clientId}`)).json() as Json;
    assert.equal(one.total, 1);
    assert.equal(one.items[0].user_email, user.email);
    assert.equal(one.items[0].client_name, 'Reporting');
    assert.equal(one.items[0].ip, '198.51.100.7');
    assert.equal(one.items[0].user_agent, 'Mozilla/5.0 Test');
    assert.ok(one.items[0].created_at && one.items[0].last_used_at);
    assert.equal((await api('GET', '/sessions?user_id=nope')).statusCode, 400);
  });

  it('ending a session stops its access token at once', async () => {
    const op = await userWith(t.app, ['admin:access', 'users:read']);
    assert.equal((await api('GET', '/users', op.headers)).statusCode, 200);
    const session = await t.app.db.session.findFirstOrThrow({ where: { userId: op.user.id } });
    assert.equal((await api('DELETE', `/sessions/${session.id}`)).statusCode, 204);
    assert.equal((await api('GET', '/users', op.headers)).statusCode, 401);
    assert.equal((await api('DELETE', `/sessions/${session.id}`)).statusCode, 404);
    assert.ok(await t.app.db.auditEvent.findFirst({ where: { action: 'admin.session_ended', targetId: session.id, actorId: admin.user.id } }));
  });
});
