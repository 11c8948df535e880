// Users through the admin API: search, filters, sorting and pagination over
// thousands of users; create (password or invitation), edit, disable (sessions
// end at once), delete, roles, and the last-admin protections.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../../test/fixture.ts';
import { createUser } from '../../test/oauth.ts';
import { createSession } from '../../sessions/session-service.ts';
import { accessTokenFor, adminUser, userWith } from '../testing.ts';
import { searchTuning } from './user-search.ts';

type Json = Record<string, any>;

/** runs `fn` with a search that never walks: it collects and counts every match, as before the cap */
async function exactCounts<T>(fn: () => Promise<T>): Promise<T> {
  const saved = searchTuning.walkRows;
  searchTuning.walkRows = 1; // a walk that could never find enough
  try {
    return await fn();
  } finally {
    searchTuning.walkRows = saved;
  }
}

describe('admin API: users', () => {
  let t: TestContext;
  let admin: Awaited<ReturnType<typeof adminUser>>;
  const api = (method: string, url: string, payload?: object, headers = admin.headers) =>
    t.app.inject({ method: method as 'GET', url: `/admin/api${url}`, payload, headers });

  before(async () => {
    t = await createTestApp();
    admin = await adminUser(t.app);
  });
  after(() => t.close());

  describe('list with 3,000 users', () => {
    before(async () => {
      // one statement: every 3rd verified, every 10th disabled, every 7th named "Zed …"
      await t.app.db.$executeRaw`
        INSERT INTO users (id, email, email_canonical, name, email_verified_at, disabled_at, created_at, updated_at)
        SELECT gen_random_uuid(), 'bulk' || i || '@example.org', 'bulk' || i || '@example.org',
               CASE WHEN i % 7 = 0 THEN 'Zed Number ' || i ELSE 'Person ' || i END,
               CASE WHEN i % 3 = 0 THEN now() END, CASE WHEN i % 10 = 0 THEN now() END,
               now() - (i || ' seconds')::interval, now()
        FROM generate_series(1, 3000) AS i`;
    });

    it('pages through everything exactly once, in order, with the total', async () => {
      const seen: string[] = [];
      const totals: Array<[number, boolean]> = [];
      for (let page = 1; page <= 31; page++) {
        const res = await api('GET', `/users?q=bulk&sort=email&per_page=100&page=${page}`);
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json() as Json;
        totals.push([body.total, body.total_capped]);
        assert.equal(body.page, page);
        assert.equal(body.per_page, 100);
        seen.push(...body.items.map((u: Json) => u.email));
      }
      // a broad term stops counting (more than `total` match, at least the pages so far) ...
      assert.deepEqual(totals[0], [Math.max(searchTuning.cap, 100), true]);
      assert.deepEqual(totals[9], [1000, true]);
      // ... until the page needs them all: then the count is exact again
      assert.deepEqual(totals[30], [3000, false]);
      assert.equal(seen.length, 3000);
      assert.equal(new Set(seen).size, 3000);
      const expected = await t.app.db.$queryRaw<Array<{ email: string }>>`SELECT email FROM users WHERE email_canonical LIKE 'bulk%' ORDER BY email_canonical, id`;
      assert.deepEqual(seen, expected.map((r) => r.email));
      assert.equal((await api('GET', '/users?q=bulk&page=31&per_page=100')).json().items.length, 0);
    });

    it('searches email and name, case-insensitively, as substrings', async () => {
      const byEmail = (await api('GET', '/users?q=BULK2999@')).json() as Json;
      assert.deepEqual(byEmail.items.map((u: Json) => u.email), ['bulk2999@example.org']);
      const byName = (await api('GET', '/users?q=zed%20number&per_page=100')).json() as Json;
      assert.deepEqual([byName.total, byName.total_capped, byName.items.length], [100, true, 100]);
      assert.ok(byName.items.every((u: Json) => u.name.startsWith('Zed Number')));
      const counted = await exactCounts(() => api('GET', '/users?q=zed%20number&per_page=100'));
      assert.deepEqual([counted.json().total, counted.json().total_capped], [Math.floor(3000 / 7), false]);
      assert.deepEqual(counted.json().items, byName.items);
    });

    it('treats LIKE wildcards literally', async () => {
      await createUser(t.app, { email: 'under_score@example.net', name: 'a_b' });
      await createUser(t.app, { email: 'underxscore@example.net', name: 'axb' });
      const res = (await api('GET', '/users?q=under_score')).json() as Json;
      assert.deepEqual(res.items.map((u: Json) => u.email), ['under_score@example.net']);
      assert.equal((await api('GET', '/users?q=%25')).json().total, 0);
    });

    it('filters by verified, disabled, MFA and role, and sorts', async () => {
      const total = async (qs: string) => {
        const [capped, exact] = [(await api('GET', `/users?${qs}`)).json() as Json, (await exactCounts(() => api('GET', `/users?${qs}`))).json() as Json];
        assert.deepEqual(capped.items, exact.items, qs);
        assert.equal(exact.total_capped, false);
        // capped: a lower bound that says so
        assert.ok(capped.total_capped ? capped.total === searchTuning.cap && exact.total > capped.total : capped.total === exact.total, qs);
        return exact;
      };
      const verified = await total('q=bulk&verified=true');
      assert.equal(verified.total, 1000);
      const disabled = await total('q=bulk&disabled=true');
      assert.equal(disabled.total, 300);
      assert.ok(disabled.items.every((u: Json) => u.disabled));
      const both = await total('q=bulk&disabled=true&verified=true');
      assert.equal(both.total, 100);
      // 100 matches, 100 per page: no more than the page reaches, so the count is exact
      const all = (await api('GET', '/users?q=bulk&disabled=true&verified=true&per_page=100')).json() as Json;
      assert.deepEqual([all.total, all.total_capped, all.items.length], [100, false, 100]);
      const withMfa = await createUser(t.app, { email: 'mfa-user@example.net' });
      await t.app.db.userMfa.create({ data: { userId: withMfa.user.id, secretEnc: 'v1.a.b.c', enabledAt: new Date() } });
      assert.deepEqual((await api('GET', '/users?mfa=true')).json().items.map((u: Json) => u.email), ['mfa-user@example.net']);
      assert.equal((await total('q=bulk&mfa=false')).total, 3000);
      const admins = (await api('GET', '/users?role=admin')).json() as Json;
      assert.deepEqual(admins.items.map((u: Json) => u.id), [admin.user.id]);
      const newest = (await api('GET', '/users?q=bulk&sort=-created_at&per_page=3')).json() as Json;
      assert.deepEqual(newest.items.map((u: Json) => u.email), ['bulk1@example.org', 'bulk2@example.org', 'bulk3@example.org']);
      const oldest = (await api('GET', '/users?q=bulk&sort=created_at&per_page=1')).json() as Json;
      assert.equal(oldest.items[0].email, 'bulk3000@example.org');
    });

    it('refuses bad list parameters with 400', async () => {
      for (const qs of ['per_page=0', 'per_page=101', 'page=0', 'sort=password_hash', 'verified=maybe']) {
        const res = await api('GET', `/users?${qs}`);
        assert.equal(res.statusCode, 400, qs);
        assert.equal(res.json().error, 'invalid_request');
      }
    });
  });

  it('creates a verified user with a password, never returning the hash', async () => {
    const res = await api('POST', '/users', { email: 'New.Person@Example.com', password: 'lilac-harbor-stone-61', name: 'New Person', email_verified: true, roles: ['user'] });
    assert.equal(res.statusCode, 201, res.body);
    const u = res.json() as Json;
    assert.equal(u.email, 'New.Person@example.com');
    assert.equal(u.email_verified, true);
    assert.equal(u.has_password, true);
    assert.deepEqual(u.roles, ['user']);
    assert.ok(!('password_hash' in u) && !('passwordHash' in u) && !res.body.includes('argon2'));
    const row = await t.app.db.user.findUniqueOrThrow({ where: { id: u.id } });
    assert.match(row.passwordHash!, /^\$argon2id\$/);
    assert.equal((await api('POST', '/users', { email: 'new.person@example.com', password: 'lilac-harbor-stone-61' })).statusCode, 409);
    const weak = await api('POST', '/users', { email: 'weak@example.com', password: 'password123' });
    assert.equal(weak.statusCode, 400);
    const audit = await t.app.db.auditEvent.findFirstOrThrow({ where: { action: 'user.created', targetId: u.id } });
    assert.equal(audit.actorId, admin.user.id);
    assert.equal(audit.actorEmail, admin.email);
    assert.ok(!JSON.stringify(audit.details).includes('lilac'));
  });

  it('creates a user without a password by invitation (a set-password token is mailed)', async () => {
    const res = await api('POST', '/users', { email: 'invitee@example.com', name: 'Invitee' });
    assert.equal(res.statusCode, 201, res.body);
    const u = res.json() as Json;
    assert.equal(u.has_password, false);
    const tokens = await t.app.db.emailToken.findMany({ where: { userId: u.id } });
    assert.deepEqual(tokens.map((x) => x.purpose), ['invitation']);
  });

  it('edits a user, with before/after in the audit', async () => {
    const { user } = await createUser(t.app, { name: 'Before Name' });
    const res = await api('PATCH', `/users/${user.id}`, { name: 'After Name', email_verified: false });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().name, 'After Name');
    assert.equal(res.json().email_verified, false);
    const audit = await t.app.db.auditEvent.findFirstOrThrow({ where: { action: 'user.updated', targetId: user.id } });
    assert.deepEqual((audit.details as Json).before.name, 'Before Name');
    assert.deepEqual((audit.details as Json).after.name, 'After Name');
    assert.equal((await api('PATCH', `/users/${user.id}`, { email: 'not-an-email' })).statusCode, 400);
    assert.equal((await api('PATCH', '/users/00000000-0000-4000-8000-000000000000', { name: 'x' })).statusCode, 404);
    assert.equal((await api('GET', '/users/not-a-uuid')).statusCode, 400);
  });

  it('disabling ends every session at once: the user token stops working', async () => {
    const op = await userWith(t.app, ['admin:access', 'users:read']);
    await createSession(t.app, { userId: op.user.id, clientId: 'latchkey', amr: ['pwd'] });
    assert.equal((await api('GET', '/users', undefined, op.headers)).statusCode, 200);
    const res = await api('POST', `/users/${op.user.id}/disable`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().disabled, true);
    assert.equal((await api('GET', '/users', undefined, op.headers)).statusCode, 401);
    assert.equal(await t.app.db.session.count({ where: { userId: op.user.id, revokedAt: null } }), 0);
    const enabled = await api('POST', `/users/${op.user.id}/enable`);
    assert.equal(enabled.json().disabled, false);
  });

  it('ends sessions, resets MFA, mails reset and verification links, unlocks', async () => {
    const { user } = await createUser(t.app, { verified: false });
    const token = await accessTokenFor(t.app, user.id);
    const ended = await api('DELETE', `/users/${user.id}/sessions`);
    assert.deepEqual(ended.json(), { ended: 1 });
    const s = await t.app.db.session.findFirstOrThrow({ where: { userId: user.id } });
    assert.ok(s.revokedAt);
    assert.ok(token);
    await t.app.db.userMfa.create({ data: { userId: user.id, secretEnc: 'v1.a.b.c', enabledAt: new Date() } });
    await t.app.db.recoveryCode.create({ data: { userId: user.id, codeHash: 'h' } });
    assert.equal((await api('POST', `/users/${user.id}/mfa/reset`)).statusCode, 204);
    assert.equal(await t.app.db.userMfa.count({ where: { userId: user.id } }), 0);
    assert.equal(await t.app.db.recoveryCode.count({ where: { userId: user.id } }), 0);
    assert.equal((await api('POST', `/users/${user.id}/password-reset`)).statusCode, 202);
    assert.equal((await api('POST', `/users/${user.id}/verification`)).statusCode, 202);
    const purposes = (await t.app.db.emailToken.findMany({ where: { userId: user.id } })).map((x) => x.purpose).sort();
    assert.deepEqual(purposes, ['email_verification', 'password_reset']);
    const unlock = await api('POST', `/users/${user.id}/unlock`);
    assert.equal(unlock.statusCode, 200);
    assert.equal(unlock.json().unlocked, false);
  });

  it('sets roles (unknown roles refused) and deletes users', async () => {
    const { user } = await createUser(t.app, { roles: ['user'] });
    const role = await t.app.db.role.create({ data: { name: 'support' } });
    const res = await api('PUT', `/users/${user.id}/roles`, { roles: ['support'] });
    assert.deepEqual(res.json().roles, ['support']);
    const bad = await api('PUT', `/users/${user.id}/roles`, { roles: ['support', 'no-such-role'] });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().error_description, /no-such-role/);
    assert.deepEqual((await api('GET', `/users/${user.id}`)).json().roles, ['support']);
    assert.ok(role);
    assert.equal((await api('DELETE', `/users/${user.id}`)).statusCode, 204);
    assert.equal((await api('GET', `/users/${user.id}`)).statusCode, 404);
    assert.ok(await t.app.db.auditEvent.findFirst({ where: { action: 'user.deleted', targetId: user.id, actorId: admin.user.id } }));
  });

  describe('the last active admin', () => {
    it('cannot be disabled, deleted or demoted, by an operator or by a role change', async () => {
      // a fresh app: exactly one admin
      const t2 = await createTestApp();
      try {
        const only = await adminUser(t2.app);
        const op = await userWith(t2.app, ['admin:access', 'users:write', 'users:read', 'roles:write', 'roles:read']);
        const call = (method: string, url: string, payload?: object) => t2.app.inject({ method: method as 'GET', url: `/admin/api${url}`, payload, headers: op.headers });
        for (const [m, u, p] of [['POST', `/users/${only.user.id}/disable`], ['DELETE', `/users/${only.user.id}`], ['PUT', `/users/${only.user.id}/roles`, { roles: ['user'] }]] as const) {
          const res = await call(m, u, p);
          assert.equal(res.statusCode, 409, `${m} ${u}: ${res.body}`);
          assert.match(res.json().error_description, /no active admin/);
        }
        const self = await t2.app.inject({ method: 'POST', url: `/admin/api/users/${only.user.id}/disable`, headers: only.headers });
        assert.equal(self.statusCode, 409);
        const row = await t2.app.db.user.findUniqueOrThrow({ where: { id: only.user.id }, include: { roles: { include: { role: true } } } });
        assert.equal(row.disabledAt, null);
        assert.deepEqual(row.roles.map((r) => r.role.name), ['admin']);
        // an admin through inheritance counts: then the first one may go
        const lead = await t2.app.db.role.create({ data: { name: 'lead', parents: { create: [{ parentId: (await t2.app.db.role.findUniqueOrThrow({ where: { name: 'admin' } })).id }] } } });
        const second = await createUser(t2.app, { roles: ['lead'] });
        assert.equal((await call('PUT', `/users/${only.user.id}/roles`, { roles: ['user'] })).statusCode, 200);
        // cutting the inheritance now would leave no admin
        const cut = await call('PATCH', `/roles/${lead.id}`, { inherits: [] });
        assert.equal(cut.statusCode, 409, cut.body);
        assert.equal((await call('POST', `/users/${second.user.id}/disable`)).statusCode, 409);
      } finally {
        await t2.close();
      }
    });

    it('two admins disabling each other at the same moment: one wins, one admin remains', async () => {
      const t3 = await createTestApp();
      try {
        const a = await adminUser(t3.app);
        const b = await adminUser(t3.app);
        const [ra, rb] = await Promise.all([
          t3.app.inject({ method: 'POST', url: `/admin/api/users/${b.user.id}/disable`, headers: a.headers }),
          t3.app.inject({ method: 'POST', url: `/admin/api/users/${a.user.id}/disable`, headers: b.headers }),
        ]);
        // the loser is refused by the guard (409), or, if the winner finished first, its token no longer works (401)
        const codes = [ra.statusCode, rb.statusCode].sort();
        assert.equal(codes[0], 200, `${ra.body} ${rb.body}`);
        assert.ok([401, 409].includes(codes[1]!), `${ra.body} ${rb.body}`);
        const active = await t3.app.db.user.count({ where: { id: { in: [a.user.id, b.user.id] }, disabledAt: null } });
        assert.equal(active, 1);
      } finally {
        await t3.close();
      }
    });
  });
});
