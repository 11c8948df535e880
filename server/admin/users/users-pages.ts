// /admin/users and /admin/users/:id: the users console, on the same services as the API.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { verifyCsrf } from '../../browser/csrf.ts';
import { lockoutStatus } from '../../security/lockout.ts';
import { listAudit } from '../audit/audit-query.ts';
import { listSessions } from '../sessions/session-admin.ts';
import { fmt, withQuery } from '../fmt.ts';
import { Html, permissionsOf, pageActor, pageRoute, renderAdmin, requirePage, form, formAction, Confirm, NotConfirmed } from '../page-kit.ts';
import { IdParam } from '../api-schemas.ts';
import { listUsers, USER_SORTS } from './user-list.ts';
import { createUser, getUser, setUserDisabled, setUserRoles, updateUser, deleteUser } from './user-service.ts';
import { adminResendVerification, adminSendPasswordReset, adminUnlock, endUserSessions, resetUserMfa } from './user-actions.ts';
import { HttpError, InvalidRequest } from '../../http/errors.ts';
import { setFlash } from '../../browser/flash.ts';

const TriState = Type.Optional(Type.Union([Type.Literal(''), Type.Literal('true'), Type.Literal('false')]));
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  verified: TriState, disabled: TriState, mfa: TriState,
  role: Type.Optional(Type.String({ maxLength: 64 })),
  sort: Type.Optional(Type.Union(USER_SORTS.map((s) => Type.Literal(s)))),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
});
const SORT_LABELS: Record<string, string> = {
  '-created_at': 'Newest first', created_at: 'Oldest first', email: 'Email A–Z', '-email': 'Email Z–A', name: 'Name A–Z', '-name': 'Name Z–A', '-last_login_at': 'Recent sign-in', last_login_at: 'Oldest sign-in',
};
const tri = (v?: string) => (v === 'true' ? true : v === 'false' ? false : undefined);
const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const Bool = Type.Optional(Type.Literal('true'));
const Roles = Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }));

async function roleNames(app: import('fastify').FastifyInstance) {
  return (await app.db.role.findMany({ select: { name: true }, orderBy: [{ builtIn: 'desc' }, { name: 'asc' }] })).map((r) => r.name);
}

export const usersPages: FastifyPluginAsyncTypebox = async (app) => {
  const read = requirePage('users:read');
  const write = requirePage('users:write');

  app.get('/users', { config: pageRoute, preHandler: read, schema: { hide: true, querystring: ListQuery, response: { 200: Html } } }, async (req, reply) => {
    const f = req.query;
    const list = await listUsers(app, { q: f.q, verified: tri(f.verified), disabled: tri(f.disabled), mfa: tri(f.mfa), role: f.role || undefined, sort: f.sort ?? '-created_at', page: f.page, per_page: 25 });
    return renderAdmin(req, reply, 'users', 'users', 'Users', {
      list, filter: { ...f, sort: f.sort ?? '-created_at' }, roles: await roleNames(app), fmt, base: withQuery('/admin/users', f),
      sorts: USER_SORTS.map((value) => ({ value, label: SORT_LABELS[value] })),
    });
  });

  app.get('/users/new', { config: pageRoute, preHandler: write, schema: { hide: true, response: { 200: Html } } }, async (req, reply) =>
    renderAdmin(req, reply, 'user-new', 'users', 'Create a user', { roles: await roleNames(app), values: { roles: ['user'], must_change_password: true } }));

  app.post('/users', {
    config: pageRoute, preValidation: verifyCsrf, preHandler: write,
    schema: { hide: true, body: form({ email: Type.String({ maxLength: 320 }), name: Text(200), password: Text(1024), must_change_password: Bool, email_verified: Bool, roles: Roles }), response: { 303: Type.Null(), 400: Html, 409: Html } },
  }, async (req, reply) => {
    const b = req.body;
    try {
      const u = await createUser(app, pageActor(req), {
        email: b.email, name: b.name || null, password: b.password || undefined, must_change_password: b.must_change_password === 'true',
        email_verified: b.email_verified === 'true', roles: (b.roles ?? []).filter(Boolean),
      });
      setFlash(reply, 'success', b.password ? `Created ${u.email}.` : `Created ${u.email} and mailed an invitation.`);
      return reply.redirect(`/admin/users/${u.id}`, 303);
    } catch (err) {
      if (!(err instanceof HttpError) || err.statusCode >= 500) throw err;
      // the form again, filled in (never the password), with the reason and the 4xx status
      const values = { email: b.email, name: b.name, roles: (b.roles ?? []).filter(Boolean), email_verified: b.email_verified === 'true', must_change_password: b.must_change_password === 'true' };
      return renderAdmin(req, reply, 'user-new', 'users', 'Create a user', { roles: await roleNames(app), values, error: err.description }, err.statusCode);
    }
  });

  app.get('/users/:id', { config: pageRoute, preHandler: read, schema: { hide: true, params: IdParam, response: { 200: Html } } }, async (req, reply) => {
    const user = await getUser(app, req.params.id);
    const perms = new Set(await permissionsOf(req));
    const [sessions, events, lock, roles] = await Promise.all([
      perms.has('sessions:read') ? listSessions(app, { user_id: user.id, per_page: 50 }) : null,
      perms.has('audit:read') ? listAudit(app, { target_type: 'user', target_id: user.id, per_page: 20 }) : null,
      lockoutStatus(app, user.email),
      roleNames(app),
    ]);
    return renderAdmin(req, reply, 'user', 'users', user.email, { user, sessions, events, lock, roles, fmt });
  });

  const back = (id: string) => `/admin/users/${id}`;
  const actionRoute = (path: string, perms: string[], body: ReturnType<typeof form>, run: (req: { params: { id: string }; body: Record<string, unknown> } & Parameters<typeof pageActor>[0]) => Promise<string>) =>
    app.post(`/users/:id${path}`, { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage(...perms), schema: { hide: true, params: IdParam, body, response: { 303: Type.Null() } } }, async (req, reply) =>
      formAction(reply, back(req.params.id), () => run(req as never)));

  actionRoute('', ['users:write'], form({ email: Type.String({ maxLength: 320 }), name: Text(200), email_verified: Bool }), async (req) => {
    const b = req.body as { email: string; name?: string; email_verified?: string };
    await updateUser(app, pageActor(req), req.params.id, { email: b.email, name: b.name ?? null, email_verified: b.email_verified === 'true' });
    return 'Profile saved.';
  });
  actionRoute('/password', ['users:write'], form({ password: Type.String({ maxLength: 1024 }) }), async (req) => {
    await updateUser(app, pageActor(req), req.params.id, { password: (req.body as { password: string }).password, must_change_password: true });
    return 'Temporary password set; the user must change it and every session was ended.';
  });
  actionRoute('/roles', ['users:write', 'roles:write'], form({ roles: Roles }), async (req) => {
    const u = await setUserRoles(app, pageActor(req), req.params.id, ((req.body as { roles?: string[] }).roles ?? []).filter(Boolean));
    return `Roles saved: ${u.roles.join(', ') || 'none'}.`;
  });
  actionRoute('/disable', ['users:write'], form({ confirm: Confirm }), async (req) => {
    if ((req.body as { confirm?: string }).confirm !== 'yes') throw new NotConfirmed('disable this account');
    await setUserDisabled(app, pageActor(req), req.params.id, true);
    return 'Account disabled; every session has ended.';
  });
  actionRoute('/enable', ['users:write'], form({}), async (req) => {
    await setUserDisabled(app, pageActor(req), req.params.id, false);
    return 'Account enabled.';
  });
  actionRoute('/sessions/end', ['sessions:write'], form({ confirm: Confirm }), async (req) => {
    if ((req.body as { confirm?: string }).confirm !== 'yes') throw new NotConfirmed('end every session');
    const n = await endUserSessions(app, pageActor(req), req.params.id);
    return `${n} session${n === 1 ? '' : 's'} ended.`;
  });
  actionRoute('/mfa/reset', ['users:write'], form({ confirm: Confirm }), async (req) => {
    if ((req.body as { confirm?: string }).confirm !== 'yes') throw new NotConfirmed('reset two-step verification');
    await resetUserMfa(app, pageActor(req), req.params.id);
    return 'Two-step verification is off; the user can set it up again.';
  });
  actionRoute('/password-reset', ['users:write'], form({}), async (req) => {
    await adminSendPasswordReset(app, pageActor(req), req.params.id);
    return 'Password reset link mailed.';
  });
  actionRoute('/verification', ['users:write'], form({}), async (req) => {
    await adminResendVerification(app, pageActor(req), req.params.id);
    return 'Verification link mailed.';
  });
  actionRoute('/unlock', ['users:write'], form({}), async (req) => {
    const was = await adminUnlock(app, pageActor(req), req.params.id);
    return was ? 'Sign-in unlocked and failure count cleared.' : 'The account was not locked; failure count cleared.';
  });

  app.post('/users/:id/delete', {
    config: pageRoute, preValidation: verifyCsrf, preHandler: write,
    schema: { hide: true, params: IdParam, body: form({ confirm_email: Text(320) }), response: { 303: Type.Null() } },
  }, async (req, reply) => {
    return formAction(reply, back(req.params.id), async () => {
      const user = await getUser(app, req.params.id);
      // typed confirmation: the operator must type the address of the account they mean to delete
      if ((req.body.confirm_email ?? '').trim().toLowerCase() !== user.email.toLowerCase()) throw new InvalidRequest('Nothing was deleted: the email address typed does not match this user.');
      await deleteUser(app, pageActor(req), user.id);
      return { message: `Deleted ${user.email}.`, to: '/admin/users' };
    });
  });
};
