// Nothing sent to the admin API makes it answer 5xx: random and hostile bodies,
// queries and ids get a 4xx and change nothing they should not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { adminUser } from './testing.ts';

describe('admin API input', () => {
  let t: TestContext;
  let admin: Awaited<ReturnType<typeof adminUser>>;
  before(async () => {
    t = await createTestApp();
    admin = await adminUser(t.app);
  });
  after(() => t.close());

  it('refuses NUL characters anywhere with 400', async () => {
    const cases: Array<[string, string, object?]> = [
      ['POST', '/admin/api/permissions', { name: 'nul:test', description: 'a\u0000b' }],
      ['POST', '/admin/api/roles', { name: 'nul-role', description: '\u0000' }],
      ['POST', '/admin/api/users', { email: 'nul@example.com', name: 'x\u0000' }],
      ['POST', '/admin/api/clients', { name: 'Nul\u0000', grant_types: ['client_credentials'] }],
      ['GET', '/admin/api/users?q=a%00b'],
      ['GET', '/admin/api/audit?actor=a%00b'],
      ['GET', '/admin/api/sessions?client_id=%00'],
    ];
    for (const [method, url, payload] of cases) {
      const res = await t.app.inject({ method: method as 'GET', url, payload, headers: admin.headers });
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`);
    }
    assert.equal(await t.app.db.permission.count({ where: { name: 'nul:test' } }), 0);
  });

  it('answers random input on every write route with a 4xx or success, never a 5xx', async () => {
    const { user } = await (await import('../test/oauth.ts')).createUser(t.app);
    const role = await t.app.db.role.create({ data: { name: 'fuzz-role' } });
    const routes: Array<[string, string]> = [
      ['POST', '/admin/api/users'], ['PATCH', `/admin/api/users/${user.id}`], ['PUT', `/admin/api/users/${user.id}/roles`],
      ['POST', '/admin/api/roles'], ['PATCH', `/admin/api/roles/${role.id}`], ['POST', '/admin/api/permissions'],
      ['POST', '/admin/api/clients'], ['PATCH', '/admin/api/clients/latchkey'],
    ];
    const value = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }));
    const body = fc.dictionary(fc.constantFrom('email', 'name', 'password', 'roles', 'permissions', 'inherits', 'description', 'grant_types', 'redirect_uris', 'scopes', 'email_verified', 'disabled', 'public', '__proto__', 'constructor'), value, { maxKeys: 5 });
    await fc.assert(fc.asyncProperty(fc.constantFrom(...routes), body, async ([method, url], payload) => {
      const res = await t.app.inject({ method: method as 'POST', url, payload, headers: admin.headers });
      assert.ok(res.statusCode < 500, `${method} ${url} ${JSON.stringify(payload)} → ${res.statusCode} ${res.body}`);
    }), { numRuns: 150 });
  });

  it('answers random query strings on every list with a 4xx or 200', async () => {
    const key = fc.constantFrom('q', 'page', 'per_page', 'sort', 'verified', 'disabled', 'mfa', 'role', 'user_id', 'client_id', 'actor', 'action', 'target_type', 'target_id', 'from', 'to', 'format');
    await fc.assert(fc.asyncProperty(fc.constantFrom('/users', '/roles', '/permissions', '/sessions', '/clients', '/audit', '/audit/export'), fc.dictionary(key, fc.string({ maxLength: 30 }), { maxKeys: 4 }), async (path, q) => {
      const res = await t.app.inject({ url: `/admin/api${path}?${new URLSearchParams(q)}`, headers: admin.headers });
      assert.ok(res.statusCode < 500, `${path} ${JSON.stringify(q)} → ${res.statusCode} ${res.body}`);
    }), { numRuns: 150 });
  });
});
