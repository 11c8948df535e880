// Consent for third-party clients (OIDC Core §3.1.2.4). Granted scopes are
// remembered per user and client (consents table), so a user is asked again
// only for scopes not granted before or when the client sends prompt=consent.
// While the page is shown, the validated request waits in the store under a
// random id, bound to the user and browser session that saw it.
import type { FastifyInstance } from 'fastify';
import { randomToken, sha256 } from '../security/crypto.ts';

export interface PendingAuthorization {
  clientId: string;
  userId: string;
  sessionId: string;
  redirectUri: string;
  state?: string;
  scope: string[];
  codeChallenge: string;
  nonce?: string;
}

const TTL_MS = 10 * 60_000;
const key = (id: string) => `consent:pending:${sha256(id)}`;

export async function needsConsent(app: FastifyInstance, userId: string, clientId: string, scope: string[]): Promise<boolean> {
  const row = await app.db.consent.findUnique({ where: { userId_clientId: { userId, clientId } } });
  return !row || scope.some((s) => !row.scopes.includes(s));
}

export async function grantConsent(app: FastifyInstance, userId: string, clientId: string, scope: string[]): Promise<void> {
  const row = await app.db.consent.findUnique({ where: { userId_clientId: { userId, clientId } } });
  const scopes = [...new Set([...(row?.scopes ?? []), ...scope])];
  await app.db.consent.upsert({
    where: { userId_clientId: { userId, clientId } },
    create: { userId, clientId, scopes },
    update: { scopes },
  });
}

export async function savePendingAuthorization(app: FastifyInstance, pending: PendingAuthorization): Promise<string> {
  const id = randomToken(24);
  await app.store.set(key(id), JSON.stringify(pending), TTL_MS);
  return id;
}

/** single use: a consent decision is acted on once */
export async function takePendingAuthorization(app: FastifyInstance, id: string): Promise<PendingAuthorization | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(id)) return null;
  const raw = await app.store.take(key(id));
  return raw ? (JSON.parse(raw) as PendingAuthorization) : null;
}

const DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are (your Latchkey account ID)',
  profile: 'See your name',
  email: 'See your email address and whether it is verified',
  offline_access: 'Stay connected when you are not using it (refresh tokens)',
};

export function describeScopes(scope: string[]): Array<{ name: string; description: string }> {
  return scope.map((name) => ({ name, description: DESCRIPTIONS[name] ?? `Use the permission “${name}” on your behalf` }));
}
