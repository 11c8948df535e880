// /admin/api/roles: roles with permissions and inheritance (DESIGN §5).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePermission } from '../../auth/authenticate.ts';
import { createRole, deleteRole, getRole, listRoles, ROLE_NAME, updateRole } from '../../rbac/role-service.ts';
import { RoleView } from '../../rbac/role-view.ts';
import { apiActor } from '../actor.ts';
import { adminRoute, errors, IdParam } from '../api-schemas.ts';
import { listOf, PageQuery } from '../pagination.ts';

const Names = Type.Array(Type.String({ minLength: 1, maxLength: 101 }), { maxItems: 500 });
const fields = {
  name: Type.String({ pattern: ROLE_NAME, description: 'letters, digits and . _ : - (up to 63)' }),
  description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  permissions: Type.Optional(Names),
  inherits: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 63 }), { maxItems: 100, description: 'parent role names' })),
};
const CreateRole = Type.Object(fields);
const UpdateRole = Type.Partial(Type.Object(fields));

const read = requirePermission('roles:read');
const write = requirePermission('roles:write');

export const rolesApi: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/roles', { preHandler: read, schema: { ...adminRoute('roles', 'List roles'), querystring: Type.Composite([PageQuery, Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) })]), response: { 200: listOf(RoleView), ...errors } } }, (req) => listRoles(app, req.query));

  app.post('/roles', { preHandler: write, schema: { ...adminRoute('roles', 'Create a role'), body: CreateRole, response: { 201: RoleView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await createRole(app, await apiActor(req), req.body)));

  app.get('/roles/:id', { preHandler: read, schema: { ...adminRoute('roles', 'Read a role'), params: IdParam, response: { 200: RoleView, ...errors } } }, (req) => getRole(app, req.params.id));

  app.patch('/roles/:id', { preHandler: write, schema: { ...adminRoute('roles', 'Rename, describe, set permissions or parents (cycles refused)'), params: IdParam, body: UpdateRole, response: { 200: RoleView, ...errors } } }, async (req) =>
    updateRole(app, await apiActor(req), req.params.id, req.body));

  app.delete('/roles/:id', { preHandler: write, schema: { ...adminRoute('roles', 'Delete a role'), params: IdParam, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await deleteRole(app, await apiActor(req), req.params.id);
    return reply.status(204).send(null);
  });
};
