// The users list: substring search over email and name, filters, sorting and
// pagination, fast at 100,000 users. Without `q`: sorting walks the btree
// indexes on created_at / email_canonical / name and the total is one count over
// the same filter, run concurrently with the page. With `q`: user-search.ts
// (one statement: walks the sort index for common terms, with a capped count,
// or collects the matches through a pg_trgm GIN index for rare ones).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Prisma } from '../../db/client.ts';
import { PageQuery, pageArgs, type Page } from '../pagination.ts';
import { rawToUserView, toUserView, userViewSelect, UserView } from './user-view.ts';
import { searchUsers } from './user-search.ts';

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

/** `{items, total, page, per_page}` like every admin list, and whether the search stopped counting */
export const UserList = Type.Object({
  items: Type.Array(UserView),
  total: Type.Integer({ description: 'the number of matches; with total_capped, a lower bound: more users than this match' }),
  total_capped: Type.Boolean({ description: 'true when a broad search stopped counting: more than `total` users match (pages beyond still work)' }),
  page: Type.Integer(),
  per_page: Type.Integer(),
});
export type UserList = Page<UserView> & { total_capped: boolean };

/** the filters without `q` (the substring search runs in user-search.ts) */
export function userWhere(q: Partial<UserListQuery>): Prisma.UserWhereInput {
  const and: Prisma.UserWhereInput[] = [];
  if (q.verified !== undefined) and.push({ emailVerifiedAt: q.verified ? { not: null } : null });
  if (q.disabled !== undefined) and.push({ disabledAt: q.disabled ? { not: null } : null });
  if (q.mfa !== undefined) and.push(q.mfa ? { mfa: { enabledAt: { not: null } } } : { OR: [{ mfa: null }, { mfa: { enabledAt: null } }] });
  if (q.role) and.push({ roles: { some: { role: { name: q.role } } } });
  return and.length ? { AND: and } : {};
}

/** the list's order as Prisma's orderBy (user-search.ts writes the same in SQL) */
export function userOrderBy(sort: string): Prisma.UserOrderByWithRelationInput[] {
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

export async function listUsers(app: FastifyInstance, q: Partial<UserListQuery>): Promise<UserList> {
  const { skip, take, page, per_page } = pageArgs(q);
  const term = q.q?.trim();
  if (term) {
    // substring search: see user-search.ts for why this one is hand-written SQL
    const { rows, total, capped } = await searchUsers(app, { ...q, q: term }, { skip, take });
    return { items: rows.map(rawToUserView), total, total_capped: capped, page, per_page };
  }
  const where = userWhere(q);
  const [rows, total] = await Promise.all([
    app.db.user.findMany({ where, select: userViewSelect, orderBy: userOrderBy(q.sort ?? '-created_at'), skip, take }),
    app.db.user.count({ where }),
  ]);
  return { items: rows.map(toUserView), total, total_capped: false, page, per_page };
}
