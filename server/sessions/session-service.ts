// Sessions: one per sign-in, the `sid` of its tokens and the parent of one
// refresh-token family. Ending one stops its refresh tokens (rows) and its
// access tokens (store marker, seen by every instance on the next request).
import type { FastifyInstance } from 'fastify';
import type { Session } from '../db/generated/client.ts';
import { randomUUID } from 'node:crypto';
import { countEvent, recordAudit, type AuditEntry } from '../audit/audit.ts';
import { isSessionRevoked, markSessionRevoked } from './revocation-markers.ts';
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
  /** the sign-in's audit entry, written in the same statement; its target is the new session */
  audit?: Omit<AuditEntry, 'targetType' | 'targetId'>;
}

export interface Actor {
  id?: string | null;
  email?: string | null;
  ip?: string | null;
}

// The sign-in write. A constant text (never interpolate into it): the values are its parameters.
const CREATE_SESSION = `
  WITH s AS (
    INSERT INTO sessions (id, user_id, client_id, amr, auth_time, ip, user_agent, created_at, last_used_at, expires_at)
    VALUES ($1::uuid, $2::uuid, $3::text, $4::text[], $5::timestamptz, $6::text, $7::text, $8::timestamptz, $8::timestamptz, $9::timestamptz)
    RETURNING id
  ), rt AS (
    INSERT INTO refresh_tokens (id, session_id, token_hash, scope, created_at, expires_at)
    SELECT $10::uuid, s.id, $11::text, $12::text, $8::timestamptz, $9::timestamptz FROM s WHERE $11::text IS NOT NULL
  ), u AS (
    UPDATE users SET last_login_at = $8::timestamptz, updated_at = $8::timestamptz WHERE id = $2::uuid
  ), a AS (
    INSERT INTO audit_events (at, action, actor_id, actor_email, target_type, target_id, ip, details)
    SELECT $8::timestamptz, $13::text, $14::uuid, $15::text, 'session', s.id::text, $16::text, $17::jsonb FROM s WHERE $13::text IS NOT NULL
  )
  SELECT 1 FROM s`;

/**
 * A new session, with `refreshScope` its first refresh token, the user's
 * last_login_at and, with `audit`, the sign-in's audit row (its target is the
 * new session), in ONE statement: a sign-in either writes all of it or nothing,
 * even if Postgres fails halfway. A named prepared statement: no ORM query
 * compilation (db.sql), one round trip, one commit.
 */
export async function createSession(app: FastifyInstance, input: NewSession): Promise<Session & { refreshToken?: string }> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + app.config.refreshTokenTtl * 1000);
  const rt = input.refreshScope ? newRefreshToken() : undefined;
  const session: Session = {
    id: randomUUID(),
    userId: input.userId,
    clientId: input.clientId,
    amr: input.amr,
    authTime: input.authTime ?? now,
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 512) ?? null,
    createdAt: now,
    lastUsedAt: now,
    expiresAt,
    revokedAt: null,
    revokedReason: null,
  };
  const a = input.audit;
  // positional parameters: a value used several times is sent once
  await app.db.sql.query('create_session', CREATE_SESSION, [
    session.id, session.userId, session.clientId, session.amr, session.authTime, session.ip, session.userAgent, now, expiresAt,
    rt?.id ?? null, rt?.hash ?? null, input.refreshScope?.join(' ') ?? null,
    a?.action ?? null, a?.actorId ?? null, a?.actorEmail ?? null, a?.ip ?? null, a?.details === undefined ? null : JSON.stringify(a.details)]);
  if (a) countEvent(app, a.action);
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
  if (await isSessionRevoked(app, sessionId)) return false;
  const s = await app.db.session.findUnique({ where: { id: sessionId }, select: { revokedAt: true, expiresAt: true } });
  return !!s && !s.revokedAt && s.expiresAt > new Date();
}
