// /admin/api/clients: OAuth clients; create and rotate answer the secret once.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePermission } from '../../auth/authenticate.ts';
import { GRANT_TYPES } from '../../clients/client-service.ts';
import { apiActor } from '../actor.ts';
import { adminRoute, errors } from '../api-schemas.ts';
import { listOf, PageQuery } from '../pagination.ts';
import { adminCreateClient, adminDeleteClient, adminRotateSecret, adminUpdateClient, ClientView, ClientWithSecret, getClient, listClients, type ClientPatch } from './client-admin.ts';

const Uris = Type.Array(Type.String({ minLength: 1, maxLength: 2000 }), { maxItems: 50 });
const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  grant_types: Type.Array(Type.Union(GRANT_TYPES.map((g) => Type.Literal(g))), { minItems: 1, maxItems: 4 }),
  redirect_uris: Type.Optional(Uris),
  post_logout_redirect_uris: Type.Optional(Uris),
  scopes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 100 })),
  first_party: Type.Optional(Type.Boolean()),
};
const CreateClient = Type.Object({ ...editable, public: Type.Optional(Type.Boolean()), client_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._~-]{3,100}$' })) });
const UpdateClient = Type.Partial(Type.Object({ ...editable, disabled: Type.Boolean() }));
const ClientIdParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9._~-]{1,200}$' }) });

function toPatch(b: Partial<{ name: string; grant_types: string[]; redirect_uris: string[]; post_logout_redirect_uris: string[]; scopes: string[]; first_party: boolean; disabled: boolean }>): ClientPatch {
  return { name: b.name, grantTypes: b.grant_types, redirectUris: b.redirect_uris, postLogoutRedirectUris: b.post_logout_redirect_uris, scopes: b.scopes, firstParty: b.first_party, disabled: b.disabled };
}

const read = requirePermission('clients:read');
const write = requirePermission('clients:write');

export const clientsApi: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/clients', { preHandler: read, schema: { ...adminRoute('clients', 'List OAuth clients'), querystring: PageQuery, response: { 200: listOf(ClientView), ...errors } } }, (req) => listClients(app, req.query));

  app.post('/clients', { preHandler: write, schema: { ...adminRoute('clients', 'Create a client: the secret is in this answer only'), body: CreateClient, response: { 201: ClientWithSecret, ...errors } } }, async (req, reply) => {
    const b = req.body;
    const created = await adminCreateClient(app, await apiActor(req), { id: b.client_id, name: b.name, grantTypes: b.grant_types, redirectUris: b.redirect_uris, postLogoutRedirectUris: b.post_logout_redirect_uris, scopes: b.scopes, public: b.public, firstParty: b.first_party });
    return reply.status(201).header('cache-control', 'no-store').send(created);
  });

  app.get('/clients/:id', { preHandler: read, schema: { ...adminRoute('clients', 'Read a client'), params: ClientIdParam, response: { 200: ClientView, ...errors } } }, (req) => getClient(app, req.params.id));

  app.patch('/clients/:id', { preHandler: write, schema: { ...adminRoute('clients', 'Edit or disable a client'), params: ClientIdParam, body: UpdateClient, response: { 200: ClientView, ...errors } } }, async (req) =>
    adminUpdateClient(app, await apiActor(req), req.params.id, toPatch(req.body)));

  app.post('/clients/:id/secret', { preHandler: write, schema: { ...adminRoute('clients', 'Rotate the secret: the new one is in this answer only'), params: ClientIdParam, response: { 200: ClientWithSecret, ...errors } } }, async (req, reply) =>
    reply.header('cache-control', 'no-store').send(await adminRotateSecret(app, await apiActor(req), req.params.id)));

  app.delete('/clients/:id', { preHandler: write, schema: { ...adminRoute('clients', 'Delete a client and its sessions'), params: ClientIdParam, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await adminDeleteClient(app, await apiActor(req), req.params.id);
    return reply.status(204).send(null);
  });
};
