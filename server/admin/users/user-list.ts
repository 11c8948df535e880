// The users list: substring search over email and name, filters, sorting and
// pagination, fast at 100,000 users. Without `q`: sorting walks the btree
// indexes on created_at / email_canonical / name and the total is one count over
// the same filter, run concurrently with the page. With `q`: user-search.ts
// (the pg_trgm GIN indexes on users.email_canonical and users.name).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Prisma } from '../../db/client.ts';
import { PageQuery, pageArgs, type Page } from '../pagination.ts';
import { toUserView, userViewSelect, type UserView } from './user-view.ts';
import { searchUserIds } from './user-search.ts';

export const USER_SORTS = ['created_at', '-created_at', 'email', '-email', 'name', '-name', 'last_login_at', '-last_login_at'] as const;

export const UserListQuery = Type.Composite([
  PageQuery,
  Type.Object({
    q: Type.Optional(Type.String({ maxLength: 200, description: 'substring of the email or name' })),
    verified: Type.Optional(Type.Boolean()),
    disabled: Type.Optional(Type.Boolean()),
    mfa: Type.Optional(Type.Boolean({ description: 'TOTP turned on' })),
    role: Type.Optional(Type.String({ maxLength: 64, description: 'holds this role directly' })),
    sort: Type.Union(USER_SORTS.map((s) => Type.Literal(s)), { default: '-created_at' }),
  }),
]);
export type UserListQuery = Static<typeof UserListQuery>;

/** the filters without `q` (the substring search runs in user-search.ts) */
export function userWhere(q: Partial<UserListQuery>): Prisma.UserWhereInput {
  const and: Prisma.UserWhereInput[] = [];
  if (q.verified !== undefined) and.push({ emailVerifiedAt: q.verified ? { not: null } : null });
  if (q.disabled !== undefined) and.push({ disabledAt: q.disabled ? { not: null } : null });
  if (q.mfa !== undefined) and.push(q.mfa ? { mfa: { enabledAt: { not: null } } } : { OR: [{ mfa: null }, { mfa: { enabledAt: null } }] });
  if (q.role) and.push({ roles: { some: { role: { name: q.role } } } });
  return and.length ? { AND: and } : {};
}

function orderBy(sort: string): Prisma.UserOrderByWithRelationInput[] {
  const dir = sort.startsWith('-') ? 'desc' : 'asc';
  const field = sort.replace(/^-/, '');
  const first: Prisma.UserOrderByWithRelationInput =
    field === 'email' ? { emailCanonical: dir }
    : field === 'name' ? { name: { sort: dir, nulls: 'last' } }
    : field === 'last_login_at' ? { lastLoginAt: { sort: dir, nulls: 'last' } }
    : { createdAt: dir };
  // a unique tie-breaker keeps pages stable: no row on two pages, none skipped
  return [first, { id: dir }];
}

export async function listUsers(app: FastifyInstance, q: Partial<UserListQuery>): Promise<Page<UserView>> {
  const { skip, take, page, per_page } = pageArgs(q);
  const term = q.q?.trim();
  if (term) {
    // substring search: see user-search.ts for why this one is hand-written SQL
    const { ids, total } = await searchUserIds(app, { ...q, q: term }, { skip, take });
    const rows = ids.length ? await app.db.user.findMany({ where: { id: { in: ids } }, select: userViewSelect }) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { items: ids.flatMap((id) => (byId.has(id) ? [toUserView(byId.get(id)!)] : [])), total, page, per_page };
  }
  const where = userWhere(q);
  const [rows, total] = await Promise.all([
    app.db.user.findMany({ where, select: userViewSelect, orderBy: orderBy(q.sort ?? '-created_at'), skip, take }),
    app.db.user.count({ where }),
  ]);
  return { items: rows.map(toUserView), total, page, per_page };
}
