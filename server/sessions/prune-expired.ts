// Every rotation adds a refresh-token row, so dead rows are swept hourly:
// tokens past their expiry (a day later, so reuse of a just-expired token is
// still recognised), and sessions ended or expired 30 days ago (their tokens
// go with them; the audit log keeps the history). Safe on several instances.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/client.ts';

const DAY_MS = 86_400_000;

export async function pruneExpired(db: Db, now = new Date()): Promise<{ refreshTokens: number; sessions: number }> {
  const tokenCutoff = new Date(now.getTime() - DAY_MS);
  const sessionCutoff = new Date(now.getTime() - 30 * DAY_MS);
  const sessions = await db.session.deleteMany({ where: { OR: [{ expiresAt: { lt: sessionCutoff } }, { revokedAt: { lt: sessionCutoff } }] } });
  const refreshTokens = await db.refreshToken.deleteMany({ where: { expiresAt: { lt: tokenCutoff } } });
  return { refreshTokens: refreshTokens.count, sessions: sessions.count };
}

export function schedulePruning(app: FastifyInstance, everyMs = 60 * 60_000): void {
  const timer = setInterval(() => {
    pruneExpired(app.db).then(
      (n) => { if (n.refreshTokens || n.sessions) app.log.info({ pruned: n }, 'expired sessions and refresh tokens pruned'); },
      (err) => app.log.warn({ err }, 'pruning expired sessions failed; will retry'),
    );
  }, everyMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
