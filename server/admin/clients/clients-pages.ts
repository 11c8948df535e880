// /admin/clients and /admin/clients/:id: OAuth clients. A new or rotated
// secret is shown on the answer to the POST itself (no-store), never again.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { verifyCsrf } from '../../browser/csrf.ts';
import { setFlash } from '../../browser/flash.ts';
import { GRANT_TYPES } from '../../clients/client-service.ts';
import { HttpError } from '../../http/errors.ts';
import { fmt } from '../fmt.ts';
import { Confirm, form, formAction, Html, NotConfirmed, pageActor, pageRoute, renderAdmin, requirePage } from '../page-kit.ts';
import { adminCreateClient, adminDeleteClient, adminRotateSecret, adminUpdateClient, getClient, listClients, type ClientWithSecret } from './client-admin.ts';

const ClientIdParam = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9._~-]{1,200}$' }) });
const Grants = Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 10 }));
const Lines = Type.Optional(Type.String({ maxLength: 20_000 }));
const ClientForm = form({ name: Type.String({ maxLength: 200 }), grant_types: Grants, redirect_uris: Lines, post_logout_redirect_uris: Lines, scopes: Lines, first_party: Type.Optional(Type.Literal('true')), public: Type.Optional(Type.Literal('true')) });

/** one URI or scope per line (or separated by spaces for scopes) */
const lines = (v?: string) => (v ?? '').split(/[\r\n]+/).map((s) => s.trim()).filter(Boolean);
const words = (v?: string) => (v ?? '').split(/\s+/).filter(Boolean);

async function showSecret(req: FastifyRequest, reply: FastifyReply, client: ClientWithSecret, fresh: boolean) {
  reply.header('cache-control', 'no-store');
  return renderAdmin(req, reply, 'client-secret', 'clients', fresh ? 'Client created' : 'New client secret', { client, fresh });
}

export const clientsPages: FastifyPluginAsyncTypebox = async (app) => {
  const read = requirePage('clients:read');
  const write = requirePage('clients:write');

  app.get('/clients', { config: pageRoute, preHandler: read, schema: { hide: true, querystring: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }) }), response: { 200: Html } } }, async (req, reply) =>
    renderAdmin(req, reply, 'clients', 'clients', 'Clients', { list: await listClients(app, { page: req.query.page, per_page: 50 }), grants: GRANT_TYPES, fmt }));

  app.get('/clients/:id', { config: pageRoute, preHandler: read, schema: { hide: true, params: ClientIdParam, response: { 200: Html } } }, async (req, reply) => {
    const client = await getClient(app, req.params.id);
    return renderAdmin(req, reply, 'client', 'clients', `Client ${client.name}`, { client, grants: GRANT_TYPES, fmt });
  });

  app.post('/clients', { config: pageRoute, preValidation: verifyCsrf, preHandler: write, schema: { hide: true, body: ClientForm, response: { 200: Html, 303: Type.Null() } } }, async (req, reply) => {
    const b = req.body;
    try {
      const created = await adminCreateClient(app, pageActor(req), { name: b.name, grantTypes: (b.grant_types ?? []).filter(Boolean), redirectUris: lines(b.redirect_uris), postLogoutRedirectUris: lines(b.post_logout_redirect_uris), scopes: words(b.scopes), firstParty: b.first_party === 'true', public: b.public === 'true' });
      return showSecret(req, reply, created, true);
    } catch (err) {
      if (!(err instanceof HttpError) || err.statusCode >= 500) throw err;
      setFlash(reply, 'error', err.description);
      return reply.redirect('/admin/clients', 303);
    }
  });

  app.post('/clients/:id', { config: pageRoute, preValidation: verifyCsrf, preHandler: write, schema: { hide: true, params: ClientIdParam, body: ClientForm, response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, `/admin/clients/${encodeURIComponent(req.params.id)}`, async () => {
      const b = req.body;
      const c = await adminUpdateClient(app, pageActor(req), req.params.id, { name: b.name, grantTypes: (b.grant_types ?? []).filter(Boolean), redirectUris: lines(b.redirect_uris), postLogoutRedirectUris: lines(b.post_logout_redirect_uris), scopes: words(b.scopes), firstParty: b.first_party === 'true' });
      return `Client ${c.name} saved.`;
    }));

  app.post('/clients/:id/secret', { config: pageRoute, preValidation: verifyCsrf, preHandler: write, schema: { hide: true, params: ClientIdParam, body: form({ confirm: Confirm }), response: { 200: Html, 303: Type.Null() } } }, async (req, reply) => {
    try {
      if (req.body.confirm !== 'yes') throw new NotConfirmed('replace the secret (the old one stops working at once)');
      return showSecret(req, reply, await adminRotateSecret(app, pageActor(req), req.params.id), false);
    } catch (err) {
      if (!(err instanceof HttpError) || err.statusCode >= 500) throw err;
      setFlash(reply, 'error', err.description);
      return reply.redirect(`/admin/clients/${encodeURIComponent(req.params.id)}`, 303);
    }
  });

  for (const [path, disabled] of [['disable', true], ['enable', false]] as const) {
    app.post(`/clients/:id/${path}`, { config: pageRoute, preValidation: verifyCsrf, preHandler: write, schema: { hide: true, params: ClientIdParam, body: form({ confirm: Confirm }), response: { 303: Type.Null() } } }, async (req, reply) =>
      formAction(reply, `/admin/clients/${encodeURIComponent(req.params.id)}`, async () => {
        if (disabled && req.body.confirm !== 'yes') throw new NotConfirmed('disable this client');
        const c = await adminUpdateClient(app, pageActor(req), req.params.id, { disabled });
        return disabled ? `Client ${c.name} disabled: its tokens no longer work.` : `Client ${c.name} enabled.`;
      }));
  }

  app.post('/clients/:id/delete', { config: pageRoute, preValidation: verifyCsrf, preHandler: write, schema: { hide: true, params: ClientIdParam, body: form({ confirm: Confirm }), response: { 303: Type.Null() } } }, async (req, reply) =>
    formAction(reply, `/admin/clients/${encodeURIComponent(req.params.id)}`, async () => {
      if (req.body.confirm !== 'yes') throw new NotConfirmed('delete this client');
      const c = await getClient(app, req.params.id);
      await adminDeleteClient(app, pageActor(req), c.client_id);
      return { message: `Client ${c.name} deleted.`, to: '/admin/clients' };
    }));
};
