// Authorization codes (RFC 6749 §4.1.2): 256 random bits, single use, 60 s,
// kept in the store under their hash. After use a marker remembers which
// session the code produced, so a replay can revoke it (§4.1.2, §10.5).
import type { FastifyInstance } from 'fastify';
import { randomToken, sha256 } from '../security/crypto.ts';

export interface AuthorizationCodeData {
  clientId: string;
  userId: string;
  /** the browser session that approved the request */
  sessionId: string;
  redirectUri: string;
  scope: string | string[];
  /** PKCE S256 challenge (RFC 7636 §4.2) */
  codeChallenge: string;
  nonce?: string;
  authTime: Date | string | number;
  amr: string[];
  resource?: string;
}

export const CODE_TTL_MS = 60_000;
const USED_TTL_MS = 10 * 60_000;
const codeKey = (code: string) => `authcode:${sha256(code)}`;
const usedKey = (code: string) => `authcode:used:${sha256(code)}`;

export async function createAuthorizationCode(app: FastifyInstance, data: AuthorizationCodeData): Promise<string> {
  const code = randomToken(32);
  const authTime = data.authTime instanceof Date ? data.authTime.getTime() : typeof data.authTime === 'string' ? Date.parse(data.authTime) : data.authTime;
  await app.store.set(codeKey(code), JSON.stringify({ ...data, authTime }), CODE_TTL_MS);
  return code;
}

export interface StoredCode extends Omit<AuthorizationCodeData, 'authTime' | 'scope'> {
  authTime: number;
  scope: string[];
}

/** atomic: of two concurrent exchanges only one gets the data */
export async function takeAuthorizationCode(app: FastifyInstance, code: string): Promise<StoredCode | null> {
  if (!code || code.length > 200) return null;
  const raw = await app.store.take(codeKey(code));
  if (!raw) return null;
  const data = JSON.parse(raw) as AuthorizationCodeData & { authTime: number };
  return { ...data, scope: Array.isArray(data.scope) ? data.scope : data.scope.split(' ').filter(Boolean) };
}

export async function markCodeUsed(app: FastifyInstance, code: string, issuedSessionId: string): Promise<void> {
  await app.store.set(usedKey(code), issuedSessionId, USED_TTL_MS);
}

/** the session a used code produced, when this is a replay */
export async function usedCodeSession(app: FastifyInstance, code: string): Promise<string | null> {
  if (!code || code.length > 200) return null;
  return app.store.get(usedKey(code));
}
