// Password reset (1 h, single use, the newest link supersedes older ones).
// The request answers the same body after the same minimum time whatever the
// address, so neither the body nor the clock tells whether an account exists.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { revokeUserSessions } from '../sessions/session-service.ts';
import { canonicalEmail } from './email.ts';
import { consumeEmailToken, peekEmailToken } from './email-tokens.ts';
import { passwordHasher } from './hasher.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { sendPasswordChangedMail, sendPasswordResetMail } from './account-mail.ts';
import { userChanged } from './user-profile.ts';

/** every reset request takes at least this long (the slowest real path is well under it) */
export const RESET_REQUEST_FLOOR_MS = 300;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function requestPasswordReset(app: FastifyInstance, email: string, ip?: string): Promise<void> {
  const started = Date.now();
  try {
    const user = await app.db.user.findUnique({ where: { emailCanonical: canonicalEmail(email) } });
    if (user && !user.disabledAt) {
      await sendPasswordResetMail(app, user);
      await recordAudit(app, { action: 'password.reset_requested', targetType: 'user', targetId: user.id, ip });
    }
  } finally {
    // pad to the floor (plus jitter) so known and unknown addresses look alike
    const rest = RESET_REQUEST_FLOOR_MS + Math.random() * 50 - (Date.now() - started);
    if (rest > 0) await sleep(rest);
  }
}

/** Invitation links land here too: they set the first password the same way. */
export async function confirmPasswordReset(app: FastifyInstance, token: string, newPassword: string, ip?: string): Promise<{ userId: string }> {
  const peek = await peekEmailToken(app, token, ['password_reset', 'invitation']);
  // policy before using the token up: a refused password must not burn the link
  assertPasswordPolicy(newPassword, { email: peek.user.email, name: peek.user.name }, 'new_password');
  const hash = await passwordHasher(app).hash(newPassword);
  const row = await consumeEmailToken(app, token, [peek.purpose]);
  const user = await app.db.user.update({
    where: { id: row.userId },
    // the link came by mail, so the address is proven as well
    data: { passwordHash: hash, mustChangePassword: false, emailVerifiedAt: peek.user.emailVerifiedAt ?? new Date() },
  });
  await userChanged(app, user.id);
  await app.db.emailToken.updateMany({ where: { userId: user.id, purpose: { in: ['password_reset', 'invitation'] }, usedAt: null }, data: { usedAt: new Date() } });
  await revokeUserSessions(app, user.id, 'password_reset', { actor: { id: user.id, email: user.email, ip } });
  await recordAudit(app, { action: row.purpose === 'invitation' ? 'invitation.accepted' : 'password.reset', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip });
  await sendPasswordChangedMail(app, user, 'reset');
  return { userId: user.id };
}
