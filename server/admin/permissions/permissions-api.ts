// /admin/api/permissions: `resource:action` permissions (DESIGN §5).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePermission } from '../../auth/authenticate.ts';
import { createPermission, deletePermission, getPermission, listPermissions, PERMISSION_NAME, PermissionView, updatePermission } from '../../rbac/permission-service.ts';
import { apiActor } from '../actor.ts';
import { adminRoute, errors, IdParam } from '../api-schemas.ts';
import { listOf, PageQuery } from '../pagination.ts';

const Description = Type.Union([Type.String({ maxLength: 500 }), Type.Null()]);
const read = requirePermission('roles:read');
const write = requirePermission('roles:write');

export const permissionsApi: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/permissions', { preHandler: read, schema: { ...adminRoute('permissions', 'List permissions and the roles holding each'), querystring: Type.Composite([PageQuery, Type.Object({ q: Type.Optional(Type.String({ maxLength: 100 })) })]), response: { 200: listOf(PermissionView), ...errors } } }, (req) => listPermissions(app, req.query));

  app.post('/permissions', { preHandler: write, schema: { ...adminRoute('permissions', 'Create a permission'), body: Type.Object({ name: Type.String({ pattern: PERMISSION_NAME, description: 'resource:action, lower case' }), description: Type.Optional(Description) }), response: { 201: PermissionView, ...errors } } }, async (req, reply) =>
    reply.status(201).send(await createPermission(app, await apiActor(req), req.body)));

  app.get('/permissions/:id', { preHandler: read, schema: { ...adminRoute('permissions', 'Read a permission'), params: IdParam, response: { 200: PermissionView, ...errors } } }, (req) => getPermission(app, req.params.id));

  app.patch('/permissions/:id', { preHandler: write, schema: { ...adminRoute('permissions', 'Describe a permission'), params: IdParam, body: Type.Object({ description: Description }), response: { 200: PermissionView, ...errors } } }, async (req) =>
    updatePermission(app, await apiActor(req), req.params.id, req.body));

  app.delete('/permissions/:id', { preHandler: write, schema: { ...adminRoute('permissions', 'Delete a permission (409 while roles hold it, unless cascade=true)'), params: IdParam, querystring: Type.Object({ cascade: Type.Boolean({ default: false }) }), response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await deletePermission(app, await apiActor(req), req.params.id, { cascade: req.query.cascade });
    return reply.status(204).send(null);
  });
};
