// RFC 6749 §2.3 client authentication for the token, revocation and
// introspection endpoints: client_secret_basic, client_secret_post, or none
// (public clients identify themselves with client_id only). One method per
// request (§2.3); every failure is the same 401 invalid_client, always with a
// WWW-Authenticate challenge (§5.2 requires it after Basic; it is harmless otherwise).
import type { FastifyRequest } from 'fastify';
import type { Client } from '../../db/generated/client.ts';
import { findClient, verifyClientSecret } from '../../clients/client-service.ts';
import { clientInMemory } from '../../clients/client-cache.ts';
import { InvalidClient, InvalidRequest } from '../../http/errors.ts';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';
export const CLIENT_AUTH_METHODS: ClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];

interface Credentials {
  method: ClientAuthMethod;
  clientId: string;
  secret?: string;
}

function formDecode(s: string): string {
  // the usual id and secret (base64url, hex) have nothing to decode
  if (s.indexOf('%') === -1 && s.indexOf('+') === -1) return s;
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** base64 → text; atob is a third of Buffer's cost, and ASCII (what §2.3.1 sends) reads the same either way */
function decodeBasic(encoded: string): string {
  try {
    const ascii = atob(encoded);
    if (/^[\x00-\x7f]*$/.test(ascii)) return ascii;
  } catch {
    // url-safe alphabet or stray characters: Buffer is lenient
  }
  return Buffer.from(encoded, 'base64').toString('utf8');
}

/** the credentials as sent, or an error for malformed or doubled ones */
export function readCredentials(request: FastifyRequest, body: { client_id?: string; client_secret?: string }): Credentials | null {
  const header = request.headers.authorization;
  if (typeof header === 'string' && /^basic /i.test(header)) {
    if (body.client_secret !== undefined) throw new InvalidRequest('use one client authentication method, not several');
    const decoded = decodeBasic(header.slice(6).trim());
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new InvalidClient('malformed Basic credentials', true);
    let clientId: string, secret: string;
    try {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before base64
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch {
      throw new InvalidClient('malformed Basic credentials', true);
    }
    if (body.client_id !== undefined && body.client_id !== clientId) throw new InvalidRequest('client_id does not match the Authorization header');
    return { method: 'client_secret_basic', clientId, secret };
  }
  if (body.client_secret !== undefined) {
    if (!body.client_id) throw new InvalidClient('client_id is required with client_secret', true);
    return { method: 'client_secret_post', clientId: body.client_id, secret: body.client_secret };
  }
  if (body.client_id) return { method: 'none', clientId: body.client_id };
  return null;
}

export async function authenticateClient(request: FastifyRequest, body: { client_id?: string; client_secret?: string }): Promise<{ client: Client; method: ClientAuthMethod }> {
  const creds = readCredentials(request, body);
  if (!creds) throw new InvalidClient('client authentication is required', true);
  const client = clientInMemory(request.server, creds.clientId) ?? (await findClient(request.server, creds.clientId));
  if (creds.method === 'none') {
    // a confidential client must prove itself; a public one has nothing to prove
    if (!client || !client.public || client.disabledAt) throw new InvalidClient('unknown client or client authentication failed', true);
    return { client, method: 'none' };
  }
  const ok = !!client && !client.public && verifyClientSecret(client, creds.secret ?? '');
  if (!ok || client!.disabledAt) throw new InvalidClient('unknown client or client authentication failed', true);
  return { client: client!, method: creds.method };
}
