// The dashboard's numbers: users, active sessions, sign-ins and failures in
// the last 24 hours, and the latest security events.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { AuditView, toAuditView } from '../audit/audit-query.ts';
import { activeSessionWhere } from '../sessions/session-admin.ts';

export const DashboardView = Type.Object({
  users: Type.Integer(),
  disabled_users: Type.Integer(),
  active_sessions: Type.Integer(),
  sign_ins_24h: Type.Integer(),
  sign_in_failures_24h: Type.Integer(),
  recent_events: Type.Array(AuditView),
});
export type DashboardView = Static<typeof DashboardView>;

/** login.succeeded / login.failed are the TOKEN helper's event names; session.created counts every sign-in path */
const SIGN_IN = ['session.created', 'login.succeeded'];
const FAILED = ['login.failed', 'mfa.failed'];

export async function dashboardStats(app: FastifyInstance): Promise<DashboardView> {
  const since = new Date(Date.now() - 24 * 3600_000);
  const db = app.db;
  const [users, disabled, sessions, signIns, failures, recent] = await Promise.all([
    db.user.count(),
    db.user.count({ where: { disabledAt: { not: null } } }),
    db.session.count({ where: activeSessionWhere() }),
    db.auditEvent.count({ where: { at: { gte: since }, action: { in: SIGN_IN } } }),
    db.auditEvent.count({ where: { at: { gte: since }, action: { in: FAILED } } }),
    // the audit trail holds only security and admin events: the latest ten of them
    db.auditEvent.findMany({ orderBy: [{ at: 'desc' }, { id: 'desc' }], take: 10 }),
  ]);
  return { users, disabled_users: disabled, active_sessions: sessions, sign_ins_24h: signIns, sign_in_failures_24h: failures, recent_events: recent.map(toAuditView) };
}
