// Every admin API route: refused (403, nothing changed) without its permission
// or without admin:access, 401 without a token, and working with exactly the
// permissions it needs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, createUser } from '../test/oauth.ts';
import { builtinPermissions } from '../rbac/builtins.ts';
import { createSession } from '../sessions/session-service.ts';
import { fingerprint, userWith } from './testing.ts';

interface Call { method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; payload?: object }
interface RouteCase { name: string; perms: string[]; ok: number; call: (app: FastifyInstance) => Promise<Call> }

const ALL = builtinPermissions.map((p) => p.name);
const fresh = () => `x${randomUUID().slice(0, 8)}`;

async function target(app: FastifyInstance) {
  const { user } = await createUser(app, { roles: ['user'] });
  return user.id;
}
async function role(app: FastifyInstance) {
  return (await app.db.role.create({ data: { name: fresh() } })).id;
}
async function permission(app: FastifyInstance) {
  return (await app.db.permission.create({ data: { name: `${fresh()}:read` } })).id;
}
async function client(app: FastifyInstance) {
  return (await createClient(app, { name: 'Some app' })).clientId;
}

const routes: RouteCase[] = [
  { name: 'GET dashboard', perms: [], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/dashboard' }) },
  { name: 'GET users', perms: ['users:read'], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/users' }) },
  { name: 'POST users', perms: ['users:write'], ok: 201, call: async () => ({ method: 'POST', url: '/admin/api/users', payload: { email: `${fresh()}@example.com`, password: 'purple-otter-lamp-93', email_verified: true } }) },
  { name: 'GET user', perms: ['users:read'], ok: 200, call: async (app) => ({ method: 'GET', url: `/admin/api/users/${await target(app)}` }) },
  { name: 'PATCH user', perms: ['users:write'], ok: 200, call: async (app) => ({ method: 'PATCH', url: `/admin/api/users/${await target(app)}`, payload: { name: 'Renamed' } }) },
  { name: 'POST user disable', perms: ['users:write'], ok: 200, call: async (app) => ({ method: 'POST', url: `/admin/api/users/${await target(app)}/disable` }) },
  { name: 'POST user enable', perms: ['users:write'], ok: 200, call: async (app) => {
    const id = await target(app);
    await app.db.user.update({ where: { id }, data: { disabledAt: new Date() } });
    return { method: 'POST', url: `/admin/api/users/${id}/enable` };
  } },
  { name: 'DELETE user', perms: ['users:write'], ok: 204, call: async (app) => ({ method: 'DELETE', url: `/admin/api/users/${await target(app)}` }) },
  { name: 'PUT user roles', perms: ['users:write', 'roles:write'], ok: 200, call: async (app) => ({ method: 'PUT', url: `/admin/api/users/${await target(app)}/roles`, payload: { roles: ['user', (await app.db.role.findUniqueOrThrow({ where: { id: await role(app) } })).name] } }) },
  { name: 'DELETE user sessions', perms: ['sessions:write'], ok: 200, call: async (app) => {
    const id = await target(app);
    await createSession(app, { userId: id, clientId: 'latchkey', amr: ['pwd'] });
    return { method: 'DELETE', url: `/admin/api/users/${id}/sessions` };
  } },
  { name: 'POST user mfa reset', perms: ['users:write'], ok: 204, call: async (app) => {
    const id = await target(app);
    await app.db.userMfa.create({ data: { userId: id, secretEnc: 'v1.x.y.z', enabledAt: new Date() } });
    return { method: 'POST', url: `/admin/api/users/${id}/mfa/reset` };
  } },
  { name: 'POST user password-reset', perms: ['users:write'], ok: 202, call: async (app) => ({ method: 'POST', url: `/admin/api/users/${await target(app)}/password-reset` }) },
  { name: 'POST user verification', perms: ['users:write'], ok: 202, call: async (app) => {
    const id = await target(app);
    await app.db.user.update({ where: { id }, data: { emailVerifiedAt: null } });
    return { method: 'POST', url: `/admin/api/users/${id}/verification` };
  } },
  { name: 'POST user unlock', perms: ['users:write'], ok: 200, call: async (app) => ({ method: 'POST', url: `/admin/api/users/${await target(app)}/unlock` }) },
  { name: 'GET roles', perms: ['roles:read'], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/roles' }) },
  { name: 'POST roles', perms: ['roles:write'], ok: 201, call: async () => ({ method: 'POST', url: '/admin/api/roles', payload: { name: fresh(), permissions: ['users:read'], inherits: ['user'] } }) },
  { name: 'GET role', perms: ['roles:read'], ok: 200, call: async (app) => ({ method: 'GET', url: `/admin/api/roles/${await role(app)}` }) },
  { name: 'PATCH role', perms: ['roles:write'], ok: 200, call: async (app) => ({ method: 'PATCH', url: `/admin/api/roles/${await role(app)}`, payload: { description: 'd', permissions: ['users:read'] } }) },
  { name: 'DELETE role', perms: ['roles:write'], ok: 204, call: async (app) => ({ method: 'DELETE', url: `/admin/api/roles/${await role(app)}` }) },
  { name: 'GET permissions', perms: ['roles:read'], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/permissions' }) },
  { name: 'POST permissions', perms: ['roles:write'], ok: 201, call: async () => ({ method: 'POST', url: '/admin/api/permissions', payload: { name: `${fresh()}:write`, description: 'd' } }) },
  { name: 'GET permission', perms: ['roles:read'], ok: 200, call: async (app) => ({ method: 'GET', url: `/admin/api/permissions/${await permission(app)}` }) },
  { name: 'PATCH permission', perms: ['roles:write'], ok: 200, call: async (app) => ({ method: 'PATCH', url: `/admin/api/permissions/${await permission(app)}`, payload: { description: 'new' } }) },
  { name: 'DELETE permission', perms: ['roles:write'], ok: 204, call: async (app) => ({ method: 'DELETE', url: `/admin/api/permissions/${await permission(app)}` }) },
  { name: 'GET sessions', perms: ['sessions:read'], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/sessions' }) },
  { name: 'DELETE session', perms: ['sessions:write'], ok: 204, call: async (app) => {
    const s = await createSession(app, { userId: await target(app), clientId: 'latchkey', amr: ['pwd'] });
    return { method: 'DELETE', url: `/admin/api/sessions/${s.id}` };
  } },
  { name: 'GET clients', perms: ['clients:read'], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/clients' }) },
  { name: 'POST clients', perms: ['clients:write'], ok: 201, call: async () => ({ method: 'POST', url: '/admin/api/clients', payload: { name: 'New app', grant_types: ['client_credentials'] } }) },
  { name: 'GET client', perms: ['clients:read'], ok: 200, call: async (app) => ({ method: 'GET', url: `/admin/api/clients/${await client(app)}` }) },
  { name: 'PATCH client', perms: ['clients:write'], ok: 200, call: async (app) => ({ method: 'PATCH', url: `/admin/api/clients/${await client(app)}`, payload: { name: 'Renamed app', disabled: true } }) },
  { name: 'POST client secret', perms: ['clients:write'], ok: 200, call: async (app) => ({ method: 'POST', url: `/admin/api/clients/${await client(app)}/secret` }) },
  { name: 'DELETE client', perms: ['clients:write'], ok: 204, call: async (app) => ({ method: 'DELETE', url: `/admin/api/clients/${await client(app)}` }) },
  { name: 'GET audit', perms: ['audit:read'], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/audit' }) },
  { name: 'GET audit export', perms: ['audit:read'], ok: 200, call: async () => ({ method: 'GET', url: '/admin/api/audit/export?format=json' }) },
];

describe('admin API permissions', () => {
  let t: TestContext;
  before(async () => {
    t = await createTestApp();
  });
  after(() => t.close());

  it('answers 401 without a token', async () => {
    for (const r of routes) {
      const call = await r.call(t.app);
      const res = await t.app.inject({ method: call.method, url: call.url, payload: call.payload });
      assert.equal(res.statusCode, 401, `${r.name}: ${res.body}`);
    }
  });

  it('refuses every route without admin:access (403, nothing changed)', async () => {
    const caller = await userWith(t.app, ALL.filter((p) => p !== 'admin:access'));
    for (const r of routes) {
      const call = await r.call(t.app);
      const before = await fingerprint(t.app);
      const res = await t.app.inject({ method: call.method, url: call.url, payload: call.payload, headers: caller.headers });
      assert.equal(res.statusCode, 403, `${r.name}: ${res.body}`);
      assert.equal(res.json().error, 'forbidden');
      assert.equal(await fingerprint(t.app), before, `${r.name} changed something`);
    }
  });

  it('refuses every route when one of its permissions is missing (403, nothing changed)', async () => {
    for (const r of routes) {
      for (const missing of r.perms) {
        const caller = await userWith(t.app, ALL.filter((p) => p !== missing));
        const call = await r.call(t.app);
        const before = await fingerprint(t.app);
        const res = await t.app.inject({ method: call.method, url: call.url, payload: call.payload, headers: caller.headers });
        assert.equal(res.statusCode, 403, `${r.name} without ${missing}: ${res.body}`);
        assert.match(res.json().error_description, new RegExp(missing));
        assert.equal(await fingerprint(t.app), before, `${r.name} without ${missing} changed something`);
      }
    }
  });

  it('works with exactly admin:access and the route permissions', async () => {
    for (const r of routes) {
      const caller = await userWith(t.app, ['admin:access', ...r.perms]);
      const call = await r.call(t.app);
      const res = await t.app.inject({ method: call.method, url: call.url, payload: call.payload, headers: caller.headers });
      assert.equal(res.statusCode, r.ok, `${r.name}: ${res.body}`);
    }
  });

  it('every admin API route is in /openapi.json', async () => {
    const doc = (await t.app.inject({ url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    for (const r of routes) {
      const call = await r.call(t.app);
      const path = call.url.split('?')[0]!.replace(/\/[0-9a-f-]{36}(?=\/|$)/, '/{id}').replace(/\/clients\/[A-Za-z0-9_-]{16,}(?=\/|$)/, '/clients/{id}');
      assert.ok(doc.paths[path]?.[call.method.toLowerCase()], `${r.name} (${path}) missing from OpenAPI`);
    }
  });
});
