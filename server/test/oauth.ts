// Test helpers that speak the protocol: users, clients, token requests and
// RFC 6749 error assertions. Shared by every suite that needs tokens.
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { PasswordHasher } from '../security/passwords.ts';
import { canonicalEmail, normalizeEmail } from '../accounts/email.ts';
import { createClient as createClientRow, type ClientInput } from '../clients/client-service.ts';

let counter = 0;
export const uniqueEmail = (prefix = 'user') => `${prefix}.${Date.now().toString(36)}.${++counter}@example.com`;

export async function createUser(app: FastifyInstance, opts: { email?: string; password?: string; name?: string; roles?: string[]; verified?: boolean; disabled?: boolean } = {}) {
  const email = opts.email ?? uniqueEmail();
  const password = opts.password ?? 'correct horse battery staple';
  const hasher = new PasswordHasher(app.config.argon2);
  const roles = opts.roles ?? [];
  const roleRows = roles.length ? await app.db.role.findMany({ where: { name: { in: roles } } }) : [];
  assert.equal(roleRows.length, roles.length, `unknown role among ${roles.join(', ')}`);
  const user = await app.db.user.create({
    data: {
      email: normalizeEmail(email),
      emailCanonical: canonicalEmail(email),
      name: opts.name ?? 'Test User',
      passwordHash: await hasher.hash(password),
      emailVerifiedAt: opts.verified === false ? null : new Date(),
      disabledAt: opts.disabled ? new Date() : null,
      roles: { create: roleRows.map((r) => ({ roleId: r.id })) },
    },
  });
  return { user, email, password };
}

export async function createClient(app: FastifyInstance, input: Partial<ClientInput> = {}) {
  const { client, clientSecret } = await createClientRow(app.db, {
    name: 'Test client',
    grantTypes: ['client_credentials'],
    ...input,
  });
  return { client, clientId: client.id, clientSecret };
}

export type ClientAuth =
  | { method: 'basic'; clientId: string; clientSecret: string }
  | { method: 'post'; clientId: string; clientSecret: string }
  | { method: 'none'; clientId: string };

export function basicAuth(clientId: string, clientSecret: string): string {
  // RFC 6749 §2.3.1: form-urlencode each part before base64
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return 'Basic ' + Buffer.from(`${enc(clientId)}:${enc(clientSecret)}`).toString('base64');
}

/** POST a form to an endpoint with the given client authentication */
export function formPost(app: FastifyInstance, url: string, params: Record<string, string | undefined>, auth?: ClientAuth, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.set(k, v);
  const h: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
  if (auth?.method === 'basic') h.authorization = basicAuth(auth.clientId, auth.clientSecret);
  if (auth?.method === 'post') {
    body.set('client_id', auth.clientId);
    body.set('client_secret', auth.clientSecret);
  }
  if (auth?.method === 'none') body.set('client_id', auth.clientId);
  return app.inject({ method: 'POST', url, headers: h, payload: body.toString() });
}

export const tokenRequest = (app: FastifyInstance, params: Record<string, string | undefined>, auth?: ClientAuth) => formPost(app, '/oauth/token', params, auth);

export function expectOAuthError(res: LightMyRequestResponse, error: string, status?: number): Record<string, unknown> {
  const body = res.json() as Record<string, unknown>;
  assert.equal(body.error, error, `expected ${error}, got ${res.statusCode} ${res.body}`);
  if (status !== undefined) assert.equal(res.statusCode, status, res.body);
  assert.equal(typeof body.error_description, 'string');
  return body;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** decoded JWT parts, without verification (assertions on claims) */
export function decodeJwt(jwt: string): { header: Record<string, unknown>; payload: Record<string, any> } {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
}

/** signs in through the JSON API; returns the token pair */
export async function login(app: FastifyInstance, email: string, password: string) {
  const res = await app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
}
