// Who did an admin change, for the audit trail. The API actor comes from the
// access token, the console actor from the browser session; services take an
// Actor and never look at the request themselves.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { recordAudit } from '../audit/audit.ts';

export interface Actor {
  id: string | null;
  email: string | null;
  ip: string | null;
}

/** The actor behind a Bearer-authenticated admin API request. */
export async function apiActor(request: FastifyRequest): Promise<Actor> {
  const userId = request.auth?.userId ?? null;
  const user = userId ? await request.server.db.user.findUnique({ where: { id: userId }, select: { email: true } }) : null;
  return { id: userId, email: user?.email ?? (userId ? null : `client:${request.auth?.clientId ?? 'unknown'}`), ip: request.ip };
}

export interface AdminAuditEntry {
  action: string;
  targetType: string;
  targetId: string;
  /** never a password, hash, token or secret; before/after for edits */
  details?: Record<string, unknown>;
}

export function auditAdmin(app: FastifyInstance, actor: Actor, entry: AdminAuditEntry): Promise<void> {
  return recordAudit(app, { ...entry, actorId: actor.id, actorEmail: actor.email, ip: actor.ip });
}
