// OAuth clients for operators, on top of the token layer's client-service
// (which owns validation, secret hashing and the lookup cache). The secret is
// shown once, at creation or rotation, and never again.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { ClientValidationError, createClient, deleteClient, rotateClientSecret, updateClient, FIRST_PARTY_CLIENT_ID, type Client, type ClientInput } from '../../clients/client-service.ts';
import { Conflict, InvalidRequest, NotFound } from '../../http/errors.ts';
import { isUniqueViolation } from '../../rbac/unique-violation.ts';
import { auditAdmin, type Actor } from '../actor.ts';
import { pageArgs, type Page } from '../pagination.ts';

export const ClientView = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  public: Type.Boolean(),
  first_party: Type.Boolean(),
  built_in: Type.Boolean(),
  grant_types: Type.Array(Type.String()),
  redirect_uris: Type.Array(Type.String()),
  post_logout_redirect_uris: Type.Array(Type.String()),
  scopes: Type.Array(Type.String()),
  disabled: Type.Boolean(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type ClientView = Static<typeof ClientView>;

export const ClientWithSecret = Type.Composite([ClientView, Type.Object({ client_secret: Type.Union([Type.String(), Type.Null()], { description: 'shown only in this answer; null for public clients' }) })]);
export type ClientWithSecret = Static<typeof ClientWithSecret>;

export function toClientView(c: Client): ClientView {
  return {
    client_id: c.id, name: c.name, public: c.public, first_party: c.firstParty, built_in: c.id === FIRST_PARTY_CLIENT_ID,
    grant_types: c.grantTypes, redirect_uris: c.redirectUris, post_logout_redirect_uris: c.postLogoutRedirectUris, scopes: c.scopes,
    disabled: c.disabledAt !== null, created_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString(),
  };
}

/** what the audit keeps of a client: everything but secrets */
const snapshot = (v: ClientView) => ({ name: v.name, grant_types: v.grant_types, redirect_uris: v.redirect_uris, post_logout_redirect_uris: v.post_logout_redirect_uris, scopes: v.scopes, first_party: v.first_party, disabled: v.disabled });

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ClientValidationError) throw new InvalidRequest(err.message);
    if (isUniqueViolation(err)) throw new Conflict('a client with this client_id already exists');
    throw err;
  }
}

export async function listClients(app: FastifyInstance, q: { page?: number; per_page?: number }): Promise<Page<ClientView>> {
  const { skip, take, page, per_page } = pageArgs(q);
  const [rows, total] = await Promise.all([app.db.client.findMany({ orderBy: [{ createdAt: 'asc' }, { id: 'asc' }], skip, take }), app.db.client.count()]);
  return { items: rows.map(toClientView), total, page, per_page };
}

export async function getClient(app: FastifyInstance, id: string): Promise<ClientView> {
  const c = await app.db.client.findUnique({ where: { id } });
  if (!c) throw new NotFound('no such client');
  return toClientView(c);
}

export async function adminCreateClient(app: FastifyInstance, actor: Actor, input: ClientInput): Promise<ClientWithSecret> {
  const { client, clientSecret } = await guarded(() => createClient(app.db, input));
  const view = toClientView(client);
  await auditAdmin(app, actor, { action: 'client.created', targetType: 'client', targetId: client.id, details: { after: { ...snapshot(view), public: view.public } } });
  return { ...view, client_secret: clientSecret ?? null };
}

export type ClientPatch = Partial<Omit<ClientInput, 'id' | 'public'>> & { disabled?: boolean };

export async function adminUpdateClient(app: FastifyInstance, actor: Actor, id: string, patch: ClientPatch): Promise<ClientView> {
  const before = await getClient(app, id);
  if (before.built_in && patch.disabled) throw new Conflict('the built-in client cannot be disabled: Latchkey\'s own pages use it');
  const client = await guarded(() => updateClient(app, id, patch));
  if (!client) throw new NotFound('no such client');
  const after = toClientView(client);
  const action = patch.disabled === undefined || before.disabled === after.disabled ? 'client.updated' : after.disabled ? 'client.disabled' : 'client.enabled';
  await auditAdmin(app, actor, { action, targetType: 'client', targetId: id, details: { before: snapshot(before), after: snapshot(after) } });
  return after;
}

export async function adminRotateSecret(app: FastifyInstance, actor: Actor, id: string): Promise<ClientWithSecret> {
  const before = await getClient(app, id);
  if (before.public) throw new Conflict('a public client has no secret');
  const rotated = await rotateClientSecret(app, id);
  if (!rotated) throw new NotFound('no such client');
  await auditAdmin(app, actor, { action: 'client.secret_rotated', targetType: 'client', targetId: id });
  return { ...toClientView(rotated.client), client_secret: rotated.clientSecret };
}

export async function adminDeleteClient(app: FastifyInstance, actor: Actor, id: string): Promise<void> {
  const before = await getClient(app, id);
  if (before.built_in) throw new Conflict('the built-in client cannot be deleted: Latchkey\'s own pages use it');
  const gone = await guarded(() => deleteClient(app, id));
  if (!gone) throw new NotFound('no such client');
  await auditAdmin(app, actor, { action: 'client.deleted', targetType: 'client', targetId: id, details: { before: snapshot(before) } });
}
