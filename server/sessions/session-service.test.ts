import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
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
});
