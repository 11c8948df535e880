// /admin/permissions: `resource:action` permissions and the roles holding them.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { verifyCsrf } from '../../browser/csrf.ts';
import { InvalidRequest } from '../../http/errors.ts';
import { createPermission, deletePermission, getPermission, listPermissions, PERMISSION_NAME, updatePermission } from '../../rbac/permission-service.ts';
import { IdParam } from '../api-schemas.ts';
import { Confirm, form, formAction, Html, NotConfirmed, pageActor, pageRoute, renderAdmin, requirePage } from '../page-kit.ts';

const NAME = new RegExp(PERMISSION_NAME);

export const permissionsPages: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/permissions', { config: pageRoute, preHandler: requirePage('roles:read'), schema: { hide: true, querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }) }), response: { 200: Html } } }, async (req, reply) =>
    renderAdmin(req, reply, 'permissions', 'permissions', 'Permissions', { list: await listPermissions(app, { page: req.query.page, per_page: 100 }) }));

  app.post('/permissions', { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage('roles:write'), schema: { hide: true, body: form({ name: Type.String({ maxLength: 101 }), description: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, '/admin/permissions', async () => {
      const name = req.body.name.trim();
      if (!NAME.test(name)) throw new InvalidRequest(`“${name.slice(0, 101)}” is not a permission name: use resource:action in lower case, e.g. reports:read.`);
      const p = await createPermission(app, pageActor(req), { name, description: req.body.description || null });
      return `Permission ${p.name} created.`;
    }));

  app.post('/permissions/:id', { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage('roles:write'), schema: { hide: true, params: IdParam, body: form({ description: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, '/admin/permissions', async () => {
      const p = await updatePermission(app, pageActor(req), req.params.id, { description: req.body.description || null });
      return `Description of ${p.name} saved.`;
    }));

  app.post('/permissions/:id/delete', { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage('roles:write'), schema: { hide: true, params: IdParam, body: form({ confirm: Confirm, cascade: Type.Optional(Type.Literal('true')) }), response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, '/admin/permissions', async () => {
      if (req.body.confirm !== 'yes') throw new NotConfirmed('delete this permission');
      const p = await getPermission(app, req.params.id);
      await deletePermission(app, pageActor(req), p.id, { cascade: req.body.cascade === 'true' });
      return `Permission ${p.name} deleted.`;
    }));
};
