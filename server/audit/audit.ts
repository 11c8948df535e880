// The audit trail: every security and admin event, with its actor, target and
// IP. Event names are dotted (`login.failed`, `session.revoked`) and are the
// same in logs, audit rows and the latchkey_events_total metric.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Metrics } from '../ops/metrics.ts';

export interface AuditEntry {
  action: string;
  actorId?: string | null;
  actorEmail?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  /** never a password, token, code or secret */
  details?: Record<string, unknown>;
}

/** Counts the event in latchkey_events_total. recordAudit does it; a statement that writes its own audit row calls it. */
export function countEvent(deps: { metrics?: Metrics }, action: string): void {
  deps.metrics?.events.inc({ event: action });
}

export async function recordAudit(deps: { db: Db; metrics?: Metrics }, entry: AuditEntry): Promise<void> {
  countEvent(deps, entry.action);
  await deps.db.auditEvent.create({
    data: {
      action: entry.action,
      actorId: entry.actorId ?? null,
      actorEmail: entry.actorEmail ?? null,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      ip: entry.ip ?? null,
      details: (entry.details ?? undefined) as never,
    },
  });
}

/** Audit from a request: the IP comes from the request (TRUST_PROXY-aware). */
export function audit(request: FastifyRequest, entry: Omit<AuditEntry, 'ip'>): Promise<void> {
  return recordAudit({ db: request.server.db, metrics: request.server.metrics }, { ...entry, ip: request.ip });
}
