// Test helpers for the admin suites: users holding exactly the permissions a
// test needs, access tokens for them, and a fingerprint of every table an admin
// action can touch (to prove a refused request changed nothing).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createSession } from '../sessions/session-service.ts';
import { issueTokens } from '../oauth/tokens/issue-tokens.ts';
import { createUser } from '../test/oauth.ts';

/** A role holding exactly `permissions` (created when missing), and a signed-in user holding that role. */
export async function userWith(app: FastifyInstance, permissions: string[], opts: { email?: string } = {}) {
  const perms = await Promise.all(permissions.map((name) => app.db.permission.upsert({ where: { name }, create: { name }, update: {} })));
  const role = await app.db.role.create({ data: { name: `t-${randomUUID().slice(0, 8)}`, permissions: { create: perms.map((p) => ({ permissionId: p.id })) } } });
  const { user, email, password } = await createUser(app, { email: opts.email });
  await app.db.userRole.create({ data: { userId: user.id, roleId: role.id } });
  const token = await accessTokenFor(app, user.id);
  return { user, email, password, role, token, headers: { authorization: `Bearer ${token}` } };
}

export async function accessTokenFor(app: FastifyInstance, userId: string): Promise<string> {
  const client = await app.db.client.findUniqueOrThrow({ where: { id: 'latchkey' } });
  const user = await app.db.user.findUniqueOrThrow({ where: { id: userId } });
  const session = await createSession(app, { userId, clientId: client.id, amr: ['pwd'], ip: '203.0.113.9', userAgent: 'admin-tests' });
  const res = await issueTokens(app, { client, user, session, scope: [], includeRefresh: false });
  return res.access_token;
}

/** A built-in admin (role `admin`) with a token. */
export async function adminUser(app: FastifyInstance) {
  const { user, email, password } = await createUser(app, { roles: ['admin'] });
  const token = await accessTokenFor(app, user.id);
  return { user, email, password, token, headers: { authorization: `Bearer ${token}` } };
}

/** Everything an admin action can change, as one comparable string. */
export async function fingerprint(app: FastifyInstance): Promise<string> {
  const rows = await app.db.$queryRaw<Array<{ t: string; h: string }>>`
    SELECT 'users' AS t, md5(coalesce(string_agg(u::text, '|' ORDER BY u.id), '')) AS h FROM users u
    UNION ALL SELECT 'roles', md5(coalesce(string_agg(r::text, '|' ORDER BY r.id), '')) FROM roles r
    UNION ALL SELECT 'role_parents', md5(coalesce(string_agg(p::text, '|' ORDER BY p.role_id, p.parent_id), '')) FROM role_parents p
    UNION ALL SELECT 'permissions', md5(coalesce(string_agg(p::text, '|' ORDER BY p.id), '')) FROM permissions p
    UNION ALL SELECT 'role_permissions', md5(coalesce(string_agg(p::text, '|' ORDER BY p.role_id, p.permission_id), '')) FROM role_permissions p
    UNION ALL SELECT 'user_roles', md5(coalesce(string_agg(x::text, '|' ORDER BY x.user_id, x.role_id), '')) FROM user_roles x
    UNION ALL SELECT 'user_mfa', md5(coalesce(string_agg(m::text, '|' ORDER BY m.user_id), '')) FROM user_mfa m
    UNION ALL SELECT 'clients', md5(coalesce(string_agg(c::text, '|' ORDER BY c.id), '')) FROM clients c
    UNION ALL SELECT 'sessions', md5(coalesce(string_agg(s.id::text || coalesce(s.revoked_at::text, ''), '|' ORDER BY s.id), '')) FROM sessions s
    UNION ALL SELECT 'email_tokens', count(*)::text FROM email_tokens
    UNION ALL SELECT 'admin_audit', count(*)::text FROM audit_events WHERE action NOT LIKE 'login.%'`;
  return rows.map((r) => `${r.t}=${r.h}`).join(' ');
}

/** A browser signed in as `userId` (session cookie + CSRF), speaking to the app through inject. */
export async function browserFor(app: FastifyInstance, userId: string) {
  const session = await createSession(app, { userId, clientId: 'latchkey', amr: ['pwd'], ip: '203.0.113.5', userAgent: 'admin-page-tests' });
  const jar: Record<string, string> = { lk_session: app.signCookie(session.id) };
  const cookie = () => Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');
  const keep = (res: { cookies: Array<{ name: string; value: string }> }) => {
    for (const c of res.cookies) jar[c.name] = c.value;
  };
  let csrf = '';
  const get = async (url: string) => {
    const res = await app.inject({ method: 'GET', url, headers: { cookie: cookie(), accept: 'text/html' } });
    keep(res);
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (m) csrf = m[1]!;
    return res;
  };
  const post = async (url: string, fields: Record<string, string | string[]> = {}, opts: { csrf?: string | null } = {}) => {
    if (!csrf) await get('/admin');
    const body = new URLSearchParams();
    const token = opts.csrf === undefined ? csrf : opts.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    const res = await app.inject({ method: 'POST', url, headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' }, payload: body.toString() });
    keep(res);
    return res;
  };
  return { session, get, post, cookie };
}
