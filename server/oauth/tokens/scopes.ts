// Which scopes a client may ask for. OIDC scopes are open to every client that
// signs users in; permission scopes (`resource:action`) need the client to list
// them, except first-party clients, whose user tokens carry the user's
// permissions. RFC 6749 §3.3: the server may grant less than asked and says so.
import type { Client } from '../../db/generated/client.ts';
import { InvalidScope } from '../../http/errors.ts';

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

export function parseScope(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string' || raw.length > 2000) throw new InvalidScope('scope must be a space-separated string');
  const list = [...new Set(raw.split(' ').filter(Boolean))];
  for (const s of list) if (!SCOPE_TOKEN.test(s)) throw new InvalidScope(`${s} is not a valid scope`);
  return list;
}

const isOidc = (s: string) => (OIDC_SCOPES as readonly string[]).includes(s);

/** Scopes for a token on behalf of a user. Unknown non-permission scopes are refused. */
export function userScopes(client: Client, requested: string[] | undefined, userPermissions: string[]): string[] {
  const asked = requested ?? client.scopes.filter(isOidc).filter((s) => s !== 'openid');
  const allowed = (s: string) => isOidc(s) ? (client.scopes.length === 0 || client.scopes.includes(s) || client.firstParty) : (client.firstParty || client.scopes.includes(s));
  for (const s of asked) if (!allowed(s)) throw new InvalidScope(`scope ${s} is not allowed for this client`);
  // permission scopes the user lacks are dropped, not refused (no leak of what exists)
  return asked.filter((s) => isOidc(s) || userPermissions.includes(s));
}

/** Scopes for client credentials: only what the client itself was given. */
export function clientScopes(client: Client, requested: string[] | undefined): string[] {
  const own = client.scopes.filter((s) => !isOidc(s));
  if (!requested) return own;
  for (const s of requested) if (!own.includes(s)) throw new InvalidScope(`scope ${s} is not allowed for this client`);
  return requested;
}

/** the `permissions` claim of a user token */
export function tokenPermissions(client: Client, scope: string[], userPermissions: string[]): string[] {
  return client.firstParty ? userPermissions : userPermissions.filter((p) => scope.includes(p));
}

export { isOidc as isOidcScope };
