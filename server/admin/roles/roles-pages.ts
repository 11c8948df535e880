// /admin/roles and /admin/roles/:id: roles, their permissions and parents.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { verifyCsrf } from '../../browser/csrf.ts';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../rbac/role-service.ts';
import { IdParam } from '../api-schemas.ts';
import { Confirm, form, formAction, Html, NotConfirmed, pageActor, pageRoute, renderAdmin, requirePage } from '../page-kit.ts';

const Names = Type.Optional(Type.Array(Type.String({ maxLength: 101 }), { maxItems: 500 }));
const RoleForm = form({ name: Type.String({ maxLength: 100 }), description: Type.Optional(Type.String({ maxLength: 500 })), permissions: Names, inherits: Names });
const clean = (v?: string[]) => (v ?? []).filter(Boolean);

export const rolesPages: FastifyPluginAsyncTypebox = async (app) => {
  const allPermissions = async () => (await app.db.permission.findMany({ select: { name: true, description: true }, orderBy: { name: 'asc' } }));

  app.get('/roles', { config: pageRoute, preHandler: requirePage('roles:read'), schema: { hide: true, response: { 200: Html } } }, async (req, reply) =>
    renderAdmin(req, reply, 'roles', 'roles', 'Roles', { roles: (await listRoles(app, { per_page: 100 })).items, permissions: await allPermissions() }));

  app.get('/roles/:id', { config: pageRoute, preHandler: requirePage('roles:read'), schema: { hide: true, params: IdParam, response: { 200: Html } } }, async (req, reply) => {
    const role = await getRole(app, req.params.id);
    const others = (await app.db.role.findMany({ where: { id: { not: role.id } }, select: { name: true }, orderBy: { name: 'asc' } })).map((r) => r.name);
    return renderAdmin(req, reply, 'role', 'roles', `Role ${role.name}`, { role, permissions: await allPermissions(), others });
  });

  app.post('/roles', { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage('roles:write'), schema: { hide: true, body: RoleForm, response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, '/admin/roles', async () => {
      const b = req.body;
      const role = await createRole(app, pageActor(req), { name: b.name, description: b.description || null, permissions: clean(b.permissions), inherits: clean(b.inherits) });
      return { message: `Role ${role.name} created.`, to: `/admin/roles/${role.id}` };
    }));

  app.post('/roles/:id', { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage('roles:write'), schema: { hide: true, params: IdParam, body: RoleForm, response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, `/admin/roles/${req.params.id}`, async () => {
      const b = req.body;
      const role = await updateRole(app, pageActor(req), req.params.id, { name: b.name, description: b.description || null, permissions: clean(b.permissions), inherits: clean(b.inherits) });
      return `Role ${role.name} saved.`;
    }));

  app.post('/roles/:id/delete', { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage('roles:write'), schema: { hide: true, params: IdParam, body: form({ confirm: Confirm }), response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, `/admin/roles/${req.params.id}`, async () => {
      if (req.body.confirm !== 'yes') throw new NotConfirmed('delete this role');
      const role = await getRole(app, req.params.id);
      await deleteRole(app, pageActor(req), role.id);
      return { message: `Role ${role.name} deleted.`, to: '/admin/roles' };
    }));
};
