// Active sessions for operators: who, which client, where from, since when.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Prisma } from '../../db/client.ts';
import { NotFound } from '../../http/errors.ts';
import { revokeSession } from '../../sessions/session-service.ts';
import { sessionFields } from '../../sessions/session-view.ts';
import { auditAdmin, type Actor } from '../actor.ts';
import { PageQuery, pageArgs, type Page } from '../pagination.ts';

export const SessionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  user_id: Type.String({ format: 'uuid' }),
  user_email: Type.String(),
  ...sessionFields,
});
export type SessionView = Static<typeof SessionView>;

export const SessionListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    user_id: Type.Optional(Type.String({ format: 'uuid' })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
  }),
]);
export type SessionListQuery = Static<typeof SessionListQuery>;

const select = {
  id: true, userId: true, clientId: true, amr: true, ip: true, userAgent: true, createdAt: true, lastUsedAt: true, expiresAt: true,
  user: { select: { email: true } },
  client: { select: { name: true } },
} as const satisfies Prisma.SessionSelect;

export const activeSessionWhere = (): Prisma.SessionWhereInput => ({ revokedAt: null, expiresAt: { gt: new Date() } });

export async function listSessions(app: FastifyInstance, q: Partial<SessionListQuery>): Promise<Page<SessionView>> {
  const { skip, take, page, per_page } = pageArgs(q);
  const where: Prisma.SessionWhereInput = { ...activeSessionWhere(), ...(q.user_id ? { userId: q.user_id } : {}), ...(q.client_id ? { clientId: q.client_id } : {}) };
  const [rows, total] = await Promise.all([
    app.db.session.findMany({ where, select, orderBy: [{ lastUsedAt: 'desc' }, { id: 'desc' }], skip, take }),
    app.db.session.count({ where }),
  ]);
  return {
    items: rows.map((s) => ({
      id: s.id, user_id: s.userId, user_email: s.user.email, client_id: s.clientId, client_name: s.client.name, amr: s.amr,
      ip: s.ip, user_agent: s.userAgent, created_at: s.createdAt.toISOString(), last_used_at: s.lastUsedAt.toISOString(), expires_at: s.expiresAt.toISOString(),
    })),
    total, page, per_page,
  };
}

export async function endSession(app: FastifyInstance, actor: Actor, id: string): Promise<void> {
  const s = await app.db.session.findFirst({ where: { id, ...activeSessionWhere() }, select: { id: true, userId: true, clientId: true } });
  if (!s) throw new NotFound('no such active session');
  await revokeSession(app, id, 'admin.ended_session', actor);
  await auditAdmin(app, actor, { action: 'admin.session_ended', targetType: 'session', targetId: id, details: { user_id: s.userId, client_id: s.clientId } });
}
