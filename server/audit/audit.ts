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

// One prepared statement on db.sql (no ORM query compilation): failed sign-ins write one of
// these each. A constant text (never interpolate into it): the values are its parameters.
const INSERT_AUDIT = `
  INSERT INTO audit_events (action, actor_id, actor_email, target_type, target_id, ip, details)
  VALUES ($1::text, $2::uuid, $3::text, $4::text, $5::text, $6::text, $7::jsonb)`;

export async function recordAudit(deps: { db: Db; metrics?: Metrics }, entry: AuditEntry): Promise<void> {
  countEvent(deps, entry.action);
  await deps.db.sql.query('audit_insert', INSERT_AUDIT, [entry.action, entry.actorId ?? null, entry.actorEmail ?? null, entry.targetType ?? null,
    entry.targetId ?? null, entry.ip ?? null, entry.details === undefined ? null : JSON.stringify(entry.details)]);
}

/** Audit from a request: the IP comes from the request (TRUST_PROXY-aware). */
export function audit(request: FastifyRequest, entry: Omit<AuditEntry, 'ip'>): Promise<void> {
  return recordAudit({ db: request.server.db, metrics: request.server.metrics }, { ...entry, ip: request.ip });
}
