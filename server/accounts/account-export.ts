// "Download my data" (GDPR art. 15/20): everything Latchkey holds about the
// person, as JSON, minus secrets (password hash, TOTP secret, token hashes).
import type { FastifyInstance } from 'fastify';
import { effectiveAccess } from '../rbac/effective-access.ts';

export async function exportAccount(app: FastifyInstance, userId: string) {
  const [user, access, sessions, consents, mfa, recoveryLeft, audit] = await Promise.all([
    app.db.user.findUniqueOrThrow({ where: { id: userId } }),
    effectiveAccess(app.db, userId),
    app.db.session.findMany({ where: { userId }, orderBy: { createdAt: 'desc' }, take: 500 }),
    app.db.consent.findMany({ where: { userId }, include: { client: { select: { name: true } } } }),
    app.db.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } }),
    app.db.recoveryCode.count({ where: { userId, usedAt: null } }),
    app.db.auditEvent.findMany({ where: { OR: [{ actorId: userId }, { targetId: userId }] }, orderBy: { at: 'desc' }, take: 1000 }),
  ]);
  return {
    exported_at: new Date().toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      name: user.name,
      email_verified_at: user.emailVerifiedAt,
      created_at: user.createdAt,
      last_login_at: user.lastLoginAt,
      disabled_at: user.disabledAt,
    },
    roles: access.roles,
    permissions: access.permissions,
    two_step_verification: { enabled: !!mfa?.enabledAt, enabled_at: mfa?.enabledAt ?? null, recovery_codes_left: recoveryLeft },
    sessions: sessions.map((s) => ({ id: s.id, client_id: s.clientId, amr: s.amr, ip: s.ip, user_agent: s.userAgent, created_at: s.createdAt, last_used_at: s.lastUsedAt, expires_at: s.expiresAt, revoked_at: s.revokedAt, revoked_reason: s.revokedReason })),
    consents: consents.map((c) => ({ client_id: c.clientId, client_name: c.client.name, scopes: c.scopes, granted_at: c.createdAt })),
    activity: audit.map((a) => ({ at: a.at, action: a.action, ip: a.ip, details: a.details })),
  };
}
