// OAuth clients. Secrets are 256-bit random values shown once and stored as
// SHA-256 (high entropy makes a slow hash pointless); they are compared in
// constant time. Lookups on the token hot path go through a short in-memory
// cache, so an edit made on another instance is seen within seconds.
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/client.ts';
import type { Client } from '../db/generated/client.ts';
import { constantTimeEqual, randomToken, sha256 } from '../security/crypto.ts';
import { cachedClient, clientChanged } from './client-cache.ts';

export type { Client };

export const FIRST_PARTY_CLIENT_ID = 'latchkey';
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', 'password'] as const;
export type GrantTypeName = (typeof GRANT_TYPES)[number];

export interface ClientInput {
  id?: string;
  name: string;
  grantTypes: string[];
  redirectUris?: string[];
  postLogoutRedirectUris?: string[];
  scopes?: string[];
  public?: boolean;
  firstParty?: boolean;
}

export class ClientValidationError extends Error {}

function checkUri(uri: string, field: string) {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ClientValidationError(`${field}: ${uri} is not an absolute URI`);
  }
  // RFC 6749 §3.1.2: absolute, no fragment
  if (url.hash || uri.includes('#')) throw new ClientValidationError(`${field}: ${uri} must not have a fragment`);
  if (['javascript:', 'data:', 'file:'].includes(url.protocol)) throw new ClientValidationError(`${field}: ${url.protocol} URIs are not allowed`);
}

export function validateClientInput(input: ClientInput): void {
  if (!input.name.trim() || input.name.length > 200) throw new ClientValidationError('name must be 1 to 200 characters');
  if (!input.grantTypes.length) throw new ClientValidationError('at least one grant type is required');
  for (const g of input.grantTypes) if (!(GRANT_TYPES as readonly string[]).includes(g)) throw new ClientValidationError(`unknown grant type ${g} (allowed: ${GRANT_TYPES.join(', ')})`);
  for (const u of input.redirectUris ?? []) checkUri(u, 'redirect_uris');
  for (const u of input.postLogoutRedirectUris ?? []) checkUri(u, 'post_logout_redirect_uris');
  if (input.grantTypes.includes('authorization_code') && !input.redirectUris?.length) throw new ClientValidationError('authorization_code needs at least one redirect URI');
  if (input.public && input.grantTypes.includes('client_credentials')) throw new ClientValidationError('a public client cannot use client_credentials');
  for (const s of input.scopes ?? []) if (!/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/.test(s)) throw new ClientValidationError(`scope ${s} is not a valid scope token`);
}

/** Creates a client; the secret is returned only here (and by rotateClientSecret). */
export async function createClient(db: Db, input: ClientInput): Promise<{ client: Client; clientSecret?: string }> {
  validateClientInput(input);
  const clientSecret = input.public ? undefined : randomToken(32);
  const client = await db.client.create({
    data: {
      id: input.id ?? randomToken(16),
      name: input.name.trim(),
      secretHash: clientSecret ? sha256(clientSecret) : null,
      public: !!input.public,
      firstParty: !!input.firstParty,
      redirectUris: [...new Set(input.redirectUris ?? [])],
      postLogoutRedirectUris: [...new Set(input.postLogoutRedirectUris ?? [])],
      grantTypes: [...new Set(input.grantTypes)],
      scopes: [...new Set(input.scopes ?? [])],
    },
  });
  return { client, clientSecret };
}

export async function rotateClientSecret(app: FastifyInstance, id: string): Promise<{ client: Client; clientSecret: string } | null> {
  const clientSecret = randomToken(32);
  const { count } = await app.db.client.updateMany({ where: { id, public: false }, data: { secretHash: sha256(clientSecret) } });
  await clientChanged(app, id);
  if (!count) return null;
  return { client: await app.db.client.findUniqueOrThrow({ where: { id } }), clientSecret };
}

export async function updateClient(app: FastifyInstance, id: string, patch: Partial<Omit<ClientInput, 'id' | 'public'>> & { disabled?: boolean }): Promise<Client | null> {
  const existing = await app.db.client.findUnique({ where: { id } });
  if (!existing) return null;
  const merged: ClientInput = {
    name: patch.name ?? existing.name,
    grantTypes: patch.grantTypes ?? existing.grantTypes,
    redirectUris: patch.redirectUris ?? existing.redirectUris,
    postLogoutRedirectUris: patch.postLogoutRedirectUris ?? existing.postLogoutRedirectUris,
    scopes: patch.scopes ?? existing.scopes,
    public: existing.public,
    firstParty: patch.firstParty ?? existing.firstParty,
  };
  validateClientInput(merged);
  const client = await app.db.client.update({
    where: { id },
    data: {
      name: merged.name.trim(),
      grantTypes: [...new Set(merged.grantTypes)],
      redirectUris: [...new Set(merged.redirectUris)],
      postLogoutRedirectUris: [...new Set(merged.postLogoutRedirectUris)],
      scopes: [...new Set(merged.scopes)],
      firstParty: !!merged.firstParty,
      ...(patch.disabled === undefined ? {} : { disabledAt: patch.disabled ? new Date() : null }),
    },
  });
  await clientChanged(app, id);
  return client;
}

/** The built-in first-party client cannot be deleted: the JSON API and Latchkey's pages use it. */
export async function deleteClient(app: FastifyInstance, id: string): Promise<boolean> {
  if (id === FIRST_PARTY_CLIENT_ID) throw new ClientValidationError('the built-in client cannot be deleted');
  const { count } = await app.db.client.deleteMany({ where: { id } });
  await clientChanged(app, id);
  return count > 0;
}

/** Cached lookup (see client-cache.ts); null for unknown clients. */
export function findClient(app: FastifyInstance, id: string): Promise<Client | null> {
  return cachedClient(app, id);
}

export function verifyClientSecret(client: Client, secret: string): boolean {
  // compare hashes so timing reveals nothing about the stored value
  const given = sha256(secret);
  return !!client.secretHash && constantTimeEqual(given, client.secretHash);
}

/** Ensures the built-in first-party client exists (every start; safe on several instances). */
export async function ensureFirstPartyClient(db: Db, issuer: string): Promise<void> {
  await db.client.createMany({
    data: [{
      id: FIRST_PARTY_CLIENT_ID,
      name: 'Latchkey',
      public: true,
      firstParty: true,
      grantTypes: ['password', 'refresh_token', 'authorization_code'],
      redirectUris: [`${issuer}/account`],
      postLogoutRedirectUris: [`${issuer}/login`],
      scopes: [],
    }],
    skipDuplicates: true,
  });
}
