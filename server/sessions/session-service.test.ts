import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { randomUUID } from 'node:crypto';
import { createUser } from '../test/oauth.ts';
import { createSession, isSessionActive, revokeSession, revokeUserSessions } from './session-service.ts';
import { issueTokens } from '../oauth/tokens/issue-tokens.ts';
import { verifyAccessToken } from '../auth/verify-access-token.ts';
import { isRevoked } from './revocation-markers.ts';

describe('sessions', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('a revoked session stops its access tokens at once (store marker) and is audited', async () => {
    const { user } = await createUser(t.app);
    const client = await t.services.db.client.findUniqueOrThrow({ where: { id: 'latchkey' } });
    const session = await createSession(t.app, { userId: user.id, clientId: client.id, amr: ['pwd'] });
    const tokens = await issueTokens(t.app, { client, user, session, scope: [], includeRefresh: true });
    const claims = await verifyAccessToken(t.app, tokens.access_token);
    assert.equal(claims?.sid, session.id);
    assert.equal(await isRevoked(t.app, session.id, claims!.jti), false);
    assert.equal(await isSessionActive(t.app, session.id), true);
    assert.equal(await revokeSession(t.app, session.id, 'logout', { id: user.id }), true);
    assert.equal(await revokeSession(t.app, session.id, 'logout'), false, 'second revocation changes nothing');
    assert.equal(await isRevoked(t.app, session.id, claims!.jti), true);
    assert.equal(await isSessionActive(t.app, session.id), false);
    const events = await t.services.db.auditEvent.findMany({ where: { action: 'session.revoked', targetId: session.id } });
    assert.equal(events.length, 1);
  });

  it('revokeUserSessions ends every session but the one kept', async () => {
    const { user } = await createUser(t.app);
    const s = await Promise.all([1, 2, 3].map(() => createSession(t.app, { userId: user.id, clientId: 'latchkey', amr: ['pwd'] })));
    assert.equal(await revokeUserSessions(t.app, user.id, 'password.changed', { exceptSessionId: s[0]!.id }), 2);
    assert.equal(await isSessionActive(t.app, s[0]!.id), true);
    assert.equal(await isSessionActive(t.app, s[1]!.id), false);
    assert.equal(await isSessionActive(t.app, 'not-a-uuid'), false);
    assert.equal(await revokeSession(t.app, 'not-a-uuid', 'x'), false);
  });

  it('writes the session, its first refresh token, last_login_at and the audit row together, as the database has them', async () => {
    const { user } = await createUser(t.app);
    const before = Date.now();
    const session = await createSession(t.app, {
      userId: user.id, clientId: 'latchkey', amr: ['pwd', 'otp'], ip: '198.51.100.7', userAgent: 'x'.repeat(600), refreshScope: ['openid', 'email'],
      audit: { action: 'login.succeeded', actorId: user.id, actorEmail: user.email, ip: '198.51.100.7', details: { client_id: 'latchkey', amr: ['pwd', 'otp'] } },
    });
    const { refreshToken, ...returned } = session;
    const row = await t.services.db.session.findUniqueOrThrow({ where: { id: session.id } });
    assert.deepEqual(returned, row, 'the returned session is the row');
    assert.equal(row.userAgent?.length, 512);
    assert.ok(refreshToken);
    const tokens = await t.services.db.refreshToken.findMany({ where: { sessionId: session.id } });
    assert.equal(tokens.length, 1);
    assert.equal(tokens[0]!.scope, 'openid email');
    assert.equal(tokens[0]!.expiresAt.getTime(), row.expiresAt.getTime());
    const u = await t.services.db.user.findUniqueOrThrow({ where: { id: user.id } });
    assert.ok(u.lastLoginAt && u.lastLoginAt.getTime() >= before - 1);
    const events = await t.services.db.auditEvent.findMany({ where: { targetId: session.id } });
    assert.equal(events.length, 1);
    assert.equal(events[0]!.action, 'login.succeeded');
    assert.equal(events[0]!.targetType, 'session');
    assert.equal(events[0]!.actorId, user.id);
    assert.equal(events[0]!.actorEmail, user.email);
    assert.equal(events[0]!.ip, '198.51.100.7');
    assert.deepEqual(events[0]!.details, { client_id: 'latchkey', amr: ['pwd', 'otp'] });
  });

  it('without refreshScope or audit it writes the session only', async () => {
    const { user } = await createUser(t.app);
    const session = await createSession(t.app, { userId: user.id, clientId: 'latchkey', amr: ['pwd'] });
    assert.equal(session.refreshToken, undefined);
    assert.equal(await t.services.db.refreshToken.count({ where: { sessionId: session.id } }), 0);
    assert.equal(await t.services.db.auditEvent.count({ where: { targetId: session.id } }), 0);
  });

  it('is one statement: when a part fails nothing is written', async () => {
    const { user } = await createUser(t.app);
    const audits = await t.services.db.auditEvent.count();
    // the audit row's actor must be a uuid: the last insert of the statement fails
    await assert.rejects(createSession(t.app, {
      userId: user.id, clientId: 'latchkey', amr: ['pwd'], refreshScope: ['openid'],
      audit: { action: 'login.succeeded', actorId: 'not-a-uuid' },
    }));
    assert.equal(await t.services.db.session.count({ where: { userId: user.id } }), 0);
    assert.equal(await t.services.db.refreshToken.count({ where: { session: { userId: user.id } } }), 0);
    assert.equal((await t.services.db.user.findUniqueOrThrow({ where: { id: user.id } })).lastLoginAt, null);
    assert.equal(await t.services.db.auditEvent.count(), audits);
    // an unknown user: the session insert fails, no audit row either
    await assert.rejects(createSession(t.app, { userId: randomUUID(), clientId: 'latchkey', amr: ['pwd'], audit: { action: 'login.succeeded' } }));
    assert.equal(await t.services.db.auditEvent.count(), audits);
  });
});
