// The users search (`?q=`) at 100,000+ users. Prisma would send the search as
// `... WHERE (email LIKE '%q%' OR name ILIKE '%q%') ORDER BY created_at LIMIT 20`,
// and the planner, which cannot estimate how many rows a '%q%' pattern matches,
// often walks the created_at index and filters row by row: fast for common
// terms, slow (50+ ms) for rare ones. Here the matches are collected first
// through the pg_trgm GIN indexes (a MATERIALIZED CTE is an optimisation fence),
// then counted and paged in the same statement: one scan, both numbers.
import type { FastifyInstance } from 'fastify';
import { Prisma } from '../../db/client.ts';
import { likeEscape } from '../pagination.ts';
import type { UserListQuery } from './user-list.ts';

const ORDER: Record<string, string> = {
  created_at: 'created_at', email: 'email_canonical', name: 'name', last_login_at: 'last_login_at',
};

function filters(q: Partial<UserListQuery>): Prisma.Sql[] {
  const out: Prisma.Sql[] = [];
  if (q.verified !== undefined) out.push(q.verified ? Prisma.sql`u.email_verified_at IS NOT NULL` : Prisma.sql`u.email_verified_at IS NULL`);
  if (q.disabled !== undefined) out.push(q.disabled ? Prisma.sql`u.disabled_at IS NOT NULL` : Prisma.sql`u.disabled_at IS NULL`);
  if (q.mfa !== undefined) {
    const has = Prisma.sql`EXISTS (SELECT 1 FROM user_mfa m WHERE m.user_id = u.id AND m.enabled_at IS NOT NULL)`;
    out.push(q.mfa ? has : Prisma.sql`NOT ${has}`);
  }
  if (q.role) out.push(Prisma.sql`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.name = ${q.role})`);
  return out;
}

/** ids of one page of users matching `q.q` (and the filters), in order, and the total. */
export async function searchUserIds(app: FastifyInstance, q: Partial<UserListQuery> & { q: string }, page: { skip: number; take: number }): Promise<{ ids: string[]; total: number }> {
  const term = `%${likeEscape(q.q.trim())}%`;
  const where = Prisma.join([Prisma.sql`(u.email_canonical LIKE ${term.toLowerCase()} OR u.name ILIKE ${term})`, ...filters(q)], ' AND ');
  const sort = q.sort ?? '-created_at';
  const dir = sort.startsWith('-') ? 'DESC' : 'ASC';
  const column = ORDER[sort.replace(/^-/, '')] ?? 'created_at';
  const nulls = column === 'name' || column === 'last_login_at' ? ' NULLS LAST' : '';
  const orderBy = Prisma.raw(`${column} ${dir}${nulls}, id ${dir}`);
  const rows = await app.db.$queryRaw<Array<{ total: number; ids: string[] }>>`
    WITH m AS MATERIALIZED (
      SELECT u.id, u.created_at, u.email_canonical, u.name, u.last_login_at FROM users u WHERE ${where}
    )
    SELECT (SELECT count(*) FROM m)::int AS total,
           (SELECT coalesce(array_agg(p.id::text), '{}') FROM (SELECT id FROM m ORDER BY ${orderBy} LIMIT ${page.take} OFFSET ${page.skip}) p) AS ids`;
  return { ids: rows[0]?.ids ?? [], total: rows[0]?.total ?? 0 };
}
