// Reading the audit trail: filters by actor, target, action and time range,
// newest first, paginated; the same filter feeds the CSV/JSON export.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Prisma } from '../../db/client.ts';
import { PageQuery, pageArgs, type Page } from '../pagination.ts';

export const AuditView = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actor_id: Type.Union([Type.String(), Type.Null()]),
  actor_email: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target_type: Type.Union([Type.String(), Type.Null()]),
  target_id: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AuditView = Static<typeof AuditView>;

export const AuditFilter = Type.Object({
  actor: Type.Optional(Type.String({ maxLength: 320, description: 'actor id (uuid) or email' })),
  target_type: Type.Optional(Type.String({ maxLength: 64 })),
  target_id: Type.Optional(Type.String({ maxLength: 200 })),
  action: Type.Optional(Type.String({ maxLength: 100, description: 'exact action, or a prefix ending in `.` (e.g. `user.`)' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});
export type AuditFilter = Static<typeof AuditFilter>;

export const AuditListQuery = Type.Composite([PageQuery, AuditFilter]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function auditWhere(f: Partial<AuditFilter>): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = {};
  const actor = f.actor?.trim();
  if (actor) Object.assign(where, UUID.test(actor) ? { actorId: actor } : { actorEmail: { equals: actor, mode: 'insensitive' } });
  if (f.target_type) where.targetType = f.target_type;
  if (f.target_id) where.targetId = f.target_id;
  const action = f.action?.trim();
  if (action) where.action = action.endsWith('.') ? { startsWith: action } : action;
  if (f.from || f.to) where.at = { ...(f.from ? { gte: new Date(f.from) } : {}), ...(f.to ? { lte: new Date(f.to) } : {}) };
  return where;
}

type Row = Prisma.AuditEventGetPayload<object>;
export function toAuditView(e: Row): AuditView {
  return {
    id: e.id.toString(), at: e.at.toISOString(), actor_id: e.actorId, actor_email: e.actorEmail, action: e.action,
    target_type: e.targetType, target_id: e.targetId, ip: e.ip,
    details: e.details && typeof e.details === 'object' && !Array.isArray(e.details) ? (e.details as Record<string, unknown>) : null,
  };
}

export async function listAudit(app: FastifyInstance, q: Partial<AuditFilter> & { page?: number; per_page?: number }): Promise<Page<AuditView>> {
  const { skip, take, page, per_page } = pageArgs(q);
  const where = auditWhere(q);
  const [rows, total] = await Promise.all([
    app.db.auditEvent.findMany({ where, orderBy: [{ at: 'desc' }, { id: 'desc' }], skip, take }),
    app.db.auditEvent.count({ where }),
  ]);
  return { items: rows.map(toAuditView), total, page, per_page };
}

/** Every matching event, newest first, fetched in batches by id so memory stays flat. */
export async function* iterateAudit(app: FastifyInstance, f: Partial<AuditFilter>, batch = 1000): AsyncGenerator<AuditView> {
  const where = auditWhere(f);
  let cursor: bigint | undefined;
  for (;;) {
    const rows = await app.db.auditEvent.findMany({ where: cursor ? { AND: [where, { id: { lt: cursor } }] } : where, orderBy: { id: 'desc' }, take: batch });
    for (const r of rows) yield toAuditView(r);
    if (rows.length < batch) return;
    cursor = rows[rows.length - 1]!.id;
  }
}
