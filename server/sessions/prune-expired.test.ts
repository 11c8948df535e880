import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createUser } from '../test/oauth.ts';
import { pruneExpired } from './prune-expired.ts';

describe('pruning expired sessions and refresh tokens', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('removes long-dead rows and keeps live and recently ended ones', async () => {
    const db = t.services.db;
    const { user } = await createUser(t.app);
    const day = 86_400_000;
    const mk = (expiresAt: Date, revokedAt: Date | null = null) => db.session.create({ data: { userId: user.id, clientId: 'latchkey', amr: ['pwd'], expiresAt, revokedAt } });
    const live = await mk(new Date(Date.now() + day));
    const recentlyRevoked = await mk(new Date(Date.now() + day), new Date(Date.now() - day));
    const oldRevoked = await mk(new Date(Date.now() + day), new Date(Date.now() - 31 * day));
    const oldExpired = await mk(new Date(Date.now() - 31 * day));
    await db.refreshToken.createMany({ data: [
      { sessionId: live.id, tokenHash: 'live', scope: '', expiresAt: new Date(Date.now() + day) },
      { sessionId: live.id, tokenHash: 'just-expired', scope: '', expiresAt: new Date(Date.now() - 1000) },
      { sessionId: live.id, tokenHash: 'long-expired', scope: '', expiresAt: new Date(Date.now() - 2 * day) },
      { sessionId: oldRevoked.id, tokenHash: 'of-old-session', scope: '', expiresAt: new Date(Date.now() + day) },
    ] });
    const n = await pruneExpired(db);
    assert.deepEqual(n, { refreshTokens: 1, sessions: 2 });
    const left = (await db.session.findMany({ where: { userId: user.id } })).map((s) => s.id).sort();
    assert.deepEqual(left, [live.id, recentlyRevoked.id].sort());
    assert.deepEqual((await db.refreshToken.findMany({ where: { session: { userId: user.id } } })).map((r) => r.tokenHash).sort(), ['just-expired', 'live']);
    assert.equal(await db.session.count({ where: { id: oldExpired.id } }), 0);
  });
});
