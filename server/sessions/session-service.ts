// Sessions: one per sign-in, the `sid` of its tokens and the parent of one
// refresh-token family. Ending one stops its refresh tokens (rows) and its
// access tokens (store marker, seen by every instance on the next request).
import type { FastifyInstance } from 'fastify';
import type { Session } from '../db/generated/client.ts';
import { recordAudit } from '../audit/audit.ts';
import { markSessionRevoked, sessionMarker } from './revocation-markers.ts';
import { newRefreshToken } from '../oauth/tokens/refresh-tokens.ts';

export type { Session };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: string): boolean => UUID.test(v);

export interface NewSession {
  userId: string;
  clientId: string;
  amr: string[];
  ip?: string;
  userAgent?: string;
  authTime?: Date;
  /** issue the family's first refresh token with these scopes in the same write */
  refreshScope?: string[];
}

export interface Actor {
  id?: string | null;
  email?: string | null;
  ip?: string | null;
}

/**
 * A new session and, with `refreshScope`, its first refresh token in ONE write:
 * a sign-in either creates both or nothing, even if Postgres fails halfway.
 */
export async function createSession(app: FastifyInstance, input: NewSession): Promise<Session & { refreshToken?: string }> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + app.config.refreshTokenTtl * 1000);
  const rt = input.refreshScope ? newRefreshToken() : undefined;
  const [session] = await Promise.all([
    app.db.session.create({
      data: {
        userId: input.userId,
        clientId: input.clientId,
        amr: input.amr,
        authTime: input.authTime ?? now,
        ip: input.ip ?? null,
        userAgent: input.userAgent?.slice(0, 512) ?? null,
        expiresAt,
        ...(rt ? { refreshTokens: { create: [{ id: rt.id, tokenHash: rt.hash, scope: input.refreshScope!.join(' '), expiresAt }] } } : {}),
      },
    }),
    app.db.user.update({ where: { id: input.userId }, data: { lastLoginAt: now } }),
  ]);
  return Object.assign(session, { refreshToken: rt?.token });
}

export async function revokeSession(app: FastifyInstance, sessionId: string, reason: string, actor: Actor = {}): Promise<boolean> {
  if (!isUuid(sessionId)) return false;
  // the marker first: if the store is down we answer 503 before anything changed
  await markSessionRevoked(app, sessionId);
  const { count } = await app.db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason.slice(0, 200) } });
  if (count) {
    await recordAudit(app, { action: 'session.revoked', actorId: actor.id ?? null, actorEmail: actor.email ?? null, ip: actor.ip ?? null, targetType: 'session', targetId: sessionId, details: { reason } });
  }
  return count > 0;
}

export async function revokeUserSessions(app: FastifyInstance, userId: string, reason: string, opts: { exceptSessionId?: string; actor?: Actor } = {}): Promise<number> {
  const open = await app.db.session.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: new Date() }, ...(opts.exceptSessionId ? { id: { not: opts.exceptSessionId } } : {}) },
    select: { id: true },
  });
  await Promise.all(open.map((s) => markSessionRevoked(app, s.id)));
  const ids = open.map((s) => s.id);
  const { count } = await app.db.session.updateMany({ where: { id: { in: ids }, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason.slice(0, 200) } });
  if (count) {
    const actor = opts.actor ?? {};
    await recordAudit(app, { action: 'session.revoked', actorId: actor.id ?? null, actorEmail: actor.email ?? null, ip: actor.ip ?? null, targetType: 'user', targetId: userId, details: { reason, sessions: count } });
  }
  return count;
}

export async function isSessionActive(app: FastifyInstance, sessionId: string): Promise<boolean> {
  if (!isUuid(sessionId)) return false;
  if (await app.store.get(sessionMarker(sessionId))) return false;
  const s = await app.db.session.findUnique({ where: { id: sessionId }, select: { revokedAt: true, expiresAt: true } });
  return !!s && !s.revokedAt && s.expiresAt > new Date();
}
