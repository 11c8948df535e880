// The users search's two ways to a page (user-search.ts): the walk over the
// sort index with a capped count, and the collect through the trigram indexes
// with an exact one. Whichever runs, and wherever one hands over to the other,
// the pages hold the same users in the same order as Prisma's plain
// `contains` query with the same filters and order, for every sort and filter.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Prisma } from '../../db/client.ts';
import { createTestApp, type TestContext } from '../../test/fixture.ts';
import { adminUser, browserFor } from '../testing.ts';
import { listUsers, userOrderBy, userWhere, USER_SORTS, type UserListQuery } from './user-list.ts';
import { getUser } from './user-service.ts';
import { searchTuning } from './user-search.ts';
import { likeEscape } from '../pagination.ts';

type Json = Record<string, any>;
type Tuning = typeof searchTuning;

async function withTuning<T>(tuning: Partial<Tuning>, fn: () => Promise<T>): Promise<T> {
  const saved = { ...searchTuning };
  Object.assign(searchTuning, tuning);
  try {
    return await fn();
  } finally {
    Object.assign(searchTuning, saved);
  }
}

const TUNINGS: Record<string, Partial<Tuning>> = {
  // the walk reaches every user: walks whenever the probe's 100 users hold a match
  walk: { cap: 5, probeRows: 100, walkRows: 100_000 },
  // the walk gives up after 40 users: it hands over to the collect on deeper pages and sparse terms
  'walk runs out': { cap: 5, probeRows: 100, walkRows: 40 },
  // the probe tests every user: exact counts, whichever way the page is found
  'small table': { cap: 5, probeRows: 100_000, walkRows: 100_000 },
  collect: { walkRows: 1 },
  default: {},
};

describe('admin users search: walk and collect', () => {
  let t: TestContext;

  before(async () => {
    t = await createTestApp();
    await adminUser(t.app);
    await t.app.db.role.create({ data: { name: 'auditor' } });
    // 600 users: created in groups of 10 sharing a timestamp (id breaks the ties), some without a
    // name, some signed in (with ties), a third verified, every 5th disabled, roles and MFA spread
    await t.app.db.$executeRaw`
      INSERT INTO users (id, email, email_canonical, name, email_verified_at, disabled_at, last_login_at, created_at, updated_at)
      SELECT gen_random_uuid(), 'Mixed' || i || '@Example.org', 'mixed' || i || '@example.org',
             CASE WHEN i % 9 = 0 THEN NULL WHEN i % 4 = 0 THEN 'Zed Alpha' ELSE 'Person ' || (i % 37) END,
             CASE WHEN i % 3 = 0 THEN now() END, CASE WHEN i % 5 = 0 THEN now() END,
             CASE WHEN i % 2 = 0 THEN now() - ((i % 11) || ' hours')::interval END,
             now() - ((i / 10) || ' minutes')::interval, now()
      FROM generate_series(1, 600) AS i`;
    await t.app.db.$executeRaw`
      INSERT INTO user_roles (user_id, role_id)
      SELECT u.id, r.id FROM users u JOIN roles r ON (r.name = 'user' AND u.email_canonical ~ '^mixed[0-9]*[02468]@')
                                                  OR (r.name = 'auditor' AND u.email_canonical ~ '^mixed[0-9]*[47]@')`;
    await t.app.db.$executeRaw`
      INSERT INTO user_mfa (user_id, secret_enc, enabled_at, updated_at)
      SELECT id, 'v1.a.b.c', CASE WHEN email_canonical ~ '^mixed[0-9]*[05]@' THEN now() END, now()
      FROM users WHERE email_canonical ~ '^mixed[0-9]*[0356]@'`;
    // LIKE wildcards and case, literally: only the first of each pair matches '_under' / '0% o'
    const odd: Array<[string, string]> = [['mixed_under@example.org', '50% Off'], ['mixedxunder@example.org', '50x Off'], ['MIXED.caps@example.org', 'ÄRGER Ünd Case']];
    for (const [email, name] of odd) {
      await t.app.db.user.create({ data: { email, emailCanonical: email.toLowerCase(), name } });
    }
    await t.app.db.$executeRaw`ANALYZE users`;
  });
  after(() => t.close());

  /** what the list must answer: Prisma's `contains` query in the list's order (Prisma leaves LIKE wildcards to the caller) */
  async function expected(q: Partial<UserListQuery> & { q: string }): Promise<string[]> {
    const term = likeEscape(q.q.trim());
    const where: Prisma.UserWhereInput = { AND: [userWhere(q), { OR: [{ emailCanonical: { contains: term.toLowerCase() } }, { name: { contains: term, mode: 'insensitive' } }] }] };
    return (await t.app.db.user.findMany({ where, orderBy: userOrderBy(q.sort ?? '-created_at'), select: { id: true } })).map((u) => u.id);
  }

  async function check(q: Partial<UserListQuery> & { q: string }, pages: number[], perPage: number, label: string) {
    const all = await expected(q);
    for (const page of pages) {
      const res = await listUsers(t.app, { ...q, page, per_page: perPage });
      const want = all.slice((page - 1) * perPage, page * perPage);
      const at = `${label} ${JSON.stringify(q)} page ${page}`;
      assert.deepEqual(res.items.map((u) => u.id), want, at);
      if (res.total_capped) {
        // a lower bound that is true: more users than `total` match, at least as many as this page reaches
        assert.equal(res.total, Math.max(searchTuning.cap, page * perPage), at);
        assert.ok(all.length > res.total, at);
      } else {
        assert.equal(res.total, all.length, at);
      }
    }
  }

  const FILTERS: Array<Partial<UserListQuery>> = [
    {}, { verified: true }, { verified: false, disabled: false }, { disabled: true }, { mfa: true }, { mfa: false },
    { role: 'user' }, { role: 'auditor', verified: false }, { role: 'nobody' },
  ];

  for (const [label, tuning] of Object.entries(TUNINGS)) {
    it(`answers the same pages as the plain query: ${label}`, async () => {
      await withTuning(tuning, async () => {
        for (const sort of USER_SORTS) {
          for (const f of FILTERS) await check({ q: 'example.org', sort, ...f }, [1, 2, 9], 7, label);
          await check({ q: 'ZED', sort }, [1, 3], 10, label);
          await check({ q: 'mixed42', sort }, [1], 20, label);
          for (const term of ['_under', 'd_u', '0% o', '%', '\\', 'ÄRGER', 'ärger', 'ünd CASE', 'Mixed.Caps']) await check({ q: term, sort }, [1], 5, label);
          // across the email's end and the name's start: one text in the trigram index, never a match
          for (const term of ['org zed', 'example.org person']) await check({ q: term, sort }, [1], 5, label);
        }
        await check({ q: 'no such user', sort: '-created_at' }, [1], 20, label);
        // deep pages, past every bound
        await check({ q: 'example', sort: 'created_at' }, [1, 6, 30, 31, 61], 20, label);
      });
    });
  }

  it('decides by the probe: a common term walks and stops counting, a rare one collects and counts', async () => {
    const broad = await listUsers(t.app, { q: 'example.org', per_page: 20 });
    assert.deepEqual([broad.total, broad.total_capped], [searchTuning.cap, true]);
    // deeper than the cap: still a lower bound, and as deep as the page
    const deeper = await listUsers(t.app, { q: 'example.org', per_page: 20, page: 4 });
    assert.deepEqual([deeper.total, deeper.total_capped], [80, true]);
    const rare = await listUsers(t.app, { q: 'mixed42', per_page: 20 });
    assert.deepEqual([rare.total, rare.total_capped], [11, false]); // mixed42, mixed420..429
    const none = await listUsers(t.app, { q: 'zzz', per_page: 20 });
    assert.deepEqual([none.items, none.total, none.total_capped], [[], 0, false]);
    // sorts without a usable index always collect: exact
    const byName = await listUsers(t.app, { q: 'example.org', sort: '-name', per_page: 20 });
    assert.deepEqual([byName.total, byName.total_capped], [603, false]);
  });

  it('finds a user created a moment ago through the trigram index itself (no pending list for every search to scan)', async () => {
    const [index] = await t.app.db.$queryRaw<Array<{ reloptions: string[] | null }>>`SELECT reloptions FROM pg_class WHERE relname = 'users_search_trgm_idx'`;
    assert.deepEqual(index?.reloptions, ['fastupdate=off']);
    const user = await t.app.db.user.create({ data: { email: 'Fresh.Arrival@example.net', emailCanonical: 'fresh.arrival@example.net', name: 'Newly Here' } });
    await withTuning(TUNINGS.collect!, async () => {
      for (const q of ['fresh.arr', 'newly here']) assert.deepEqual((await listUsers(t.app, { q, per_page: 20 })).items.map((u) => u.id), [user.id], q);
    });
    await t.app.db.user.delete({ where: { id: user.id } });
  });

  it('reads the same user view as the single-user route (roles, MFA, password, dates)', async () => {
    const res = await listUsers(t.app, { q: 'mixed', sort: 'email', per_page: 100 });
    assert.equal(res.items.length, 100);
    for (const u of res.items.slice(0, 40)) assert.deepEqual(u, await getUser(t.app, u.id));
    assert.ok(res.items.some((u) => u.roles.length === 2) && res.items.some((u) => u.mfa_enabled) && res.items.some((u) => u.name === null));
  });

  it('says so in the API and the console, which still pages on', async () => {
    const admin = await adminUser(t.app);
    const res = await t.app.inject({ url: '/admin/api/users?q=example.org&per_page=20', headers: admin.headers });
    assert.equal(res.statusCode, 200);
    const body = res.json() as Json;
    assert.deepEqual([body.total, body.total_capped, body.page, body.per_page, body.items.length], [searchTuning.cap, true, 1, 20, 20]);
    const exact = (await t.app.inject({ url: '/admin/api/users?q=mixed42', headers: admin.headers })).json() as Json;
    assert.deepEqual([exact.total, exact.total_capped], [11, false]);
    assert.equal(((await t.app.inject({ url: '/admin/api/users', headers: admin.headers })).json() as Json).total_capped, false);
    const spec = (await t.app.inject({ url: '/openapi.json' })).json() as Json;
    assert.ok(JSON.stringify(spec.paths['/admin/api/users'].get.responses['200']).includes('total_capped'));

    const b = await browserFor(t.app, admin.user.id);
    const page1 = (await b.get('/admin/users?q=example.org')).body;
    // 25 per page in the console: more than the cap, so "more than a page"
    assert.match(page1, new RegExp(`${Math.max(searchTuning.cap, 25)}\\+ in all · page 1<`));
    assert.match(page1, /href="\/admin\/users\?q=example.org&amp;page=2" rel="next"/);
    assert.doesNotMatch(page1, />Last</);
    const exactPage = (await b.get('/admin/users?q=mixed42')).body;
    assert.match(exactPage, /11 in all · page 1 of 1/);
  });
});
