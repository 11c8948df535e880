// Consent for third-party clients (OIDC Core §3.1.2.4). Granted scopes are
// remembered per user and client (consents table), so a user is asked again
// only for scopes not granted before or when the client sends prompt=consent.
// While the page is shown, the validated request waits in the store under a
// random id, bound to the user and browser session that saw it.
import type { FastifyInstance } from 'fastify';
import { randomToken, sha256 } from '../security/crypto.ts';
import { revokeSession } from '../sessions/session-service.ts';
import { recordAudit } from '../audit/audit.ts';

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

/** Third-party apps a user has allowed (for the account page). */
export async function listConsents(app: FastifyInstance, userId: string): Promise<Array<{ clientId: string; clientName: string; scopes: string[]; grantedAt: Date }>> {
  const rows = await app.db.consent.findMany({ where: { userId }, include: { client: { select: { name: true } } }, orderBy: { updatedAt: 'desc' } });
  return rows.map((r) => ({ clientId: r.clientId, clientName: r.client.name, scopes: r.scopes, grantedAt: r.updatedAt }));
}

/** Withdraws a user's consent for a client and ends that client's sessions for the user (its tokens stop at once). */
export async function revokeConsent(app: FastifyInstance, userId: string, clientId: string, actor: { id?: string; email?: string } = {}): Promise<boolean> {
  const { count } = await app.db.consent.deleteMany({ where: { userId, clientId } });
  const sessions = await app.db.session.findMany({ where: { userId, clientId, revokedAt: null }, select: { id: true } });
  for (const s of sessions) await revokeSession(app, s.id, 'consent_revoked', actor);
  if (count) await recordAudit(app, { action: 'consent.revoked', actorId: actor.id ?? userId, actorEmail: actor.email ?? null, targetType: 'client', targetId: clientId, details: { user_id: userId, sessions: sessions.length } });
  return count > 0;
}
