// The users search (`?q=`) at 100,000+ users, in one statement that also reads
// the page's rows (the view's columns, roles and MFA): one round trip. Two ways
// to find a page, both exact and in the same order:
//
// - the walk: read users in sort order (the (created_at, id) or email index)
//   and keep the matches, with the page's columns. Cheap when the term is
//   common (a surname: 1 user in 25), hopeless when it is rare (one person's
//   address: every row is read).
// - the collect: every match through one pg_trgm GIN index on email and
//   lowered name as one text (users_search_trgm_idx), tested exactly, then
//   sorted. Cheap when the term is rare, and it counts them all; for a common
//   term, the index scan and the heap rechecks of thousands of matches cost 5+ ms.
//
// Which one: a probe tests `probeRows` users in id order (random ids: a fixed
// sample of the whole table). When the share of matches there says the walk
// would find the page and more than `cap` matches within `walkRows` users, it
// walks, and stops there: the answer says `total_capped` and `total` is a
// lower bound (more users than `total` match). Otherwise, or when the walk runs
// out of rows first (the matches are not spread evenly), the collect runs and
// the total is exact. Fewer users than the probe tests: the probe counted them
// all, and the total is exact either way. Sorts without a usable index
// (`-name`, `±last_login_at`) always collect.
//
// Postgres runs neither the walk for a rare term nor the collect for a common
// one: the gates between them are one-time filters. The statement runs on
// `db.sql` as a named prepared statement, once per connection and variant
// (Prisma's raw queries are planned on every call, and planning costs as much
// as running), and the search term reaches it through an InitPlan, so that
// every plan is the same and Postgres settles on the generic one.
import type { FastifyInstance } from 'fastify';
import { Prisma } from '../../db/client.ts';
import { likeEscape } from '../pagination.ts';
import type { UserListQuery } from './user-list.ts';

/** How the search decides and where it stops counting (tests shrink these). */
export const searchTuning = {
  /**
   * count at most this many matches when walking (or the page's reach, if deeper);
   * more: `total_capped`. Each match costs the walk ~25 users for a 1-in-25 term:
   * 20 instead of 50 took 0.3 ms of Postgres CPU off a common term's search
   */
  cap: 20,
  /** users the probe tests (in id order: a sample) */
  probeRows: 150,
  /** users the walk reads at most before it gives up for the collect */
  walkRows: 5000,
};

interface Sort {
  /** the column of the users table and of the CTEs below */
  column: string;
  dir: 'ASC' | 'DESC';
  nulls: string;
  /** the walk's ORDER BY on `users u`: an index order that is also a total order, or null (always collect) */
  walk: string | null;
}

function sortOf(sort: string): Sort {
  const dir = sort.startsWith('-') ? 'DESC' : 'ASC';
  const field = sort.replace(/^-/, '');
  switch (field) {
    // users_created_at_id_idx, either direction
    case 'created_at': return { column: 'created_at', dir, nulls: '', walk: `u.created_at ${dir}, u.id ${dir}` };
    // email_canonical is unique: its index alone is a total order
    case 'email': return { column: 'email_canonical', dir, nulls: '', walk: `u.email_canonical ${dir}` };
    // the name index holds NULLs last going up, first going down; the list wants them last both ways
    case 'name': return { column: 'name', dir, nulls: ' NULLS LAST', walk: null };
    case 'last_login_at': return { column: 'last_login_at', dir, nulls: ' NULLS LAST', walk: null };
    default: return sortOf('-created_at');
  }
}

/** email and lowered name in one text: the expression of users_search_trgm_idx (Prisma's schema cannot declare it) */
const SEARCH_TEXT = Prisma.raw(`(u.email_canonical || ' ' || lower(coalesce(u.name, '')))`);

const SORT_KEYS = ['created_at', '-created_at', 'email', '-email', 'name', '-name', 'last_login_at', '-last_login_at'];
const tri = (v: boolean | undefined) => (v === undefined ? 'n' : v ? 't' : 'f');

function filters(q: Partial<UserListQuery>): Prisma.Sql[] {
  const out: Prisma.Sql[] = [];
  if (q.verified !== undefined) out.push(q.verified ? Prisma.sql`u.email_verified_at IS NOT NULL` : Prisma.sql`u.email_verified_at IS NULL`);
  if (q.disabled !== undefined) out.push(q.disabled ? Prisma.sql`u.disabled_at IS NOT NULL` : Prisma.sql`u.disabled_at IS NULL`);
  if (q.mfa !== undefined) {
    const has = Prisma.sql`EXISTS (SELECT 1 FROM user_mfa m WHERE m.user_id = u.id AND m.enabled_at IS NOT NULL)`;
    out.push(q.mfa ? has : Prisma.sql`NOT ${has}`);
  }
  if (q.role) out.push(Prisma.sql`EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.name = (SELECT role FROM k))`);
  return out;
}

/** one row of the page: the user view's columns (password_hash only as a boolean) */
export interface SearchRow {
  id: string;
  email: string;
  name: string | null;
  email_verified_at: Date | null;
  disabled_at: Date | null;
  must_change_password: boolean;
  has_password: boolean;
  mfa_enabled: boolean;
  roles: string[];
  created_at: Date;
  updated_at: Date;
  last_login_at: Date | null;
}

export interface SearchResult {
  rows: SearchRow[];
  /** exact, or (capped) a lower bound: there are more matches than this */
  total: number;
  capped: boolean;
}

/** One page of users whose email or name contains `q.q` (and who pass the filters), in order, with the total. */
export async function searchUsers(app: FastifyInstance, q: Partial<UserListQuery> & { q: string }, page: { skip: number; take: number }): Promise<SearchResult> {
  const t = searchTuning;
  const [probeRows, walkRows] = [t.probeRows, t.walkRows].map((n) => Math.max(1, Math.floor(n)));
  // every value comes from k (InitPlans): no plan depends on them, so the first
  // plans cost what the generic one does, and Postgres keeps the generic one
  const plain = q.q.trim();
  const ep = plain.toLowerCase();
  const e = `%${likeEscape(ep)}%`;
  // the name's pattern as Postgres lowers it (NULL when that is the email's: one index scan, not two)
  const n = Prisma.sql`NULLIF(lower(${`%${likeEscape(plain)}%`}::text), ${e}::text)`;
  const k = Prisma.sql`SELECT ${e}::text AS e, ${e}::text AS e2, ${n} AS n, ${n} AS n2, ${ep}::text AS ep, lower(${plain}::text) AS np,
        ${q.role ?? null}::text AS role, ${page.take}::int AS take, ${page.skip}::int AS skip`;
  // The match as plain substring tests, user by user (strpos is a fifth cheaper than
  // LIKE, and ILIKE is lower() on both sides by definition): what the probe and the
  // walk test, and the exact test after the trigram index.
  const whereRow = Prisma.join([Prisma.sql`(strpos(u.email_canonical, (SELECT ep FROM k)) > 0 OR strpos(lower(u.name), (SELECT np FROM k)) > 0)`, ...filters(q)], ' AND ');
  // What the trigram index answers for the collect: LIKE on email and lowered name in one
  // expression (users_search_trgm_idx), a superset of the matches that whereRow narrows.
  // Each LIKE is there twice (the second from another column of k): not knowing the
  // pattern, Postgres guesses 1 user in 200 matches each, and on some tables it then
  // prefers reading all 100,000 users (60+ ms) to the trigram index; the pair makes
  // that guess 1 in 40,000. The index scan merges the two identical sets of trigrams.
  const where = Prisma.sql`((${SEARCH_TEXT} LIKE (SELECT e FROM k) AND ${SEARCH_TEXT} LIKE (SELECT e2 FROM k))
        OR (${SEARCH_TEXT} LIKE (SELECT n FROM k) AND ${SEARCH_TEXT} LIKE (SELECT n2 FROM k))) AND ${whereRow}`;
  const sortKey = SORT_KEYS.includes(q.sort ?? '') ? q.sort! : '-created_at';
  const s = sortOf(sortKey);
  // the statement's text depends only on these: one prepared statement each
  const name = `users_search_${SORT_KEYS.indexOf(sortKey)}_${tri(q.verified)}${tri(q.disabled)}${tri(q.mfa)}${q.role ? 'r' : 'n'}_${probeRows}_${walkRows}`;
  const order = Prisma.raw(`${s.column} ${s.dir}${s.nulls}, id ${s.dir}`);
  const orderP = Prisma.raw(`p.${s.column} ${s.dir}${s.nulls}, p.id ${s.dir}`);
  const cols = Prisma.raw('u.id, u.created_at, u.email_canonical, u.name, u.last_login_at');
  // the page's columns of users (the password hash only as a boolean), and what the sorts and filters read
  const userCols = Prisma.raw(`u.id, u.email, u.email_canonical, u.name, u.email_verified_at, u.disabled_at, u.must_change_password,
      u.password_hash IS NOT NULL AS has_password, u.created_at, u.updated_at, u.last_login_at`);
  const pageCols = Prisma.raw('u.id, u.email, u.email_canonical, u.name, u.email_verified_at, u.disabled_at, u.must_change_password, u.has_password, u.created_at, u.updated_at, u.last_login_at');
  // the collect's page: its users read by id
  const collected = Prisma.sql`SELECT ${userCols} FROM (SELECT id FROM m ORDER BY ${order} LIMIT (SELECT take FROM k) OFFSET (SELECT skip FROM k)) c JOIN users u ON u.id = c.id`;
  const view = Prisma.sql`p.id, p.email, p.name, p.email_verified_at, p.disabled_at, p.must_change_password,
      p.has_password, mf.enabled_at IS NOT NULL AS mfa_enabled,
      -- index lookups per role: a join here plans as a hash join, built again for every user
      ARRAY(SELECT (SELECT r.name FROM roles r WHERE r.id = ur.role_id) FROM user_roles ur WHERE ur.user_id = p.id) AS roles,
      p.created_at, p.updated_at, p.last_login_at`;
  type Row = Omit<SearchRow, 'id'> & { id: string | null; total: number; capped: boolean };
  let stmt: Prisma.Sql;
  if (s.walk) {
    // more matches than this and the walk stops: the page and "more than `shown`"
    const shown = Math.max(t.cap, page.skip + page.take);
    const walk = Prisma.raw(s.walk);
    stmt = Prisma.sql`
      WITH k AS MATERIALIZED (
        ${k}, ${shown}::int AS shown
      ), probe AS MATERIALIZED (
        -- fewer users than the sample's size: the sample is the table and its count exact
        SELECT count(*) FILTER (WHERE hit) AS hits, count(*) < ${Prisma.raw(String(probeRows))} AS whole
        FROM (SELECT ${whereRow} AS hit FROM (SELECT ${cols}, u.email_verified_at, u.disabled_at FROM users u ORDER BY u.id LIMIT ${Prisma.raw(String(probeRows))}) u) u
      ), w AS MATERIALIZED (
        -- walk only when, at the probe's rate, the walk's users hold more matches than it needs;
        -- it keeps the page's columns (the heap rows are read anyway)
        SELECT ${pageCols} FROM (
          SELECT ${userCols} FROM users u WHERE (SELECT hits FROM probe) * ${Prisma.raw(String(walkRows))} > (SELECT shown FROM k)::bigint * ${Prisma.raw(String(probeRows))}
          ORDER BY ${walk} LIMIT ${Prisma.raw(String(walkRows))}
        ) u WHERE ${whereRow}
        -- the walk's order again: the MFA and role filters may become joins that do not keep it
        ORDER BY ${walk} LIMIT (SELECT shown + 1 FROM k)
      ), walked AS MATERIALIZED (
        SELECT count(*) > (SELECT shown FROM k) AS enough FROM w
      ), m AS MATERIALIZED (
        SELECT ${cols} FROM users u WHERE NOT (SELECT enough FROM walked) AND ${where}
      ), p AS MATERIALIZED (
        (SELECT * FROM w WHERE (SELECT enough FROM walked) ORDER BY ${order} LIMIT (SELECT take FROM k) OFFSET (SELECT skip FROM k))
        UNION ALL
        (${collected})
      )
      SELECT t.total, t.capped, ${view}
      FROM (SELECT CASE WHEN (SELECT whole FROM probe) THEN (SELECT hits FROM probe)::int
                        WHEN (SELECT enough FROM walked) THEN (SELECT shown FROM k)
                        ELSE (SELECT count(*) FROM m)::int END AS total,
                   (SELECT enough FROM walked) AND NOT (SELECT whole FROM probe) AS capped) t
      LEFT JOIN (p LEFT JOIN user_mfa mf ON mf.user_id = p.id) ON true
      ORDER BY ${orderP}`;
  } else {
    stmt = Prisma.sql`
      WITH k AS MATERIALIZED (
        ${k}
      ), m AS MATERIALIZED (
        SELECT ${cols} FROM users u WHERE ${where}
      ), p AS MATERIALIZED (
        ${collected}
      )
      SELECT t.total, false AS capped, ${view}
      FROM (SELECT count(*)::int AS total FROM m) t
      LEFT JOIN (p LEFT JOIN user_mfa mf ON mf.user_id = p.id) ON true
      ORDER BY ${orderP}`;
  }
  const rows = await app.db.sql.query<Row>(name, stmt.text, stmt.values);
  const first = rows[0];
  return {
    rows: rows.filter((r): r is Row & { id: string } => r.id !== null),
    total: first?.total ?? 0,
    capped: first?.capped ?? false,
  };
}
