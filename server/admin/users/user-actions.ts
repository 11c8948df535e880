// One-click admin actions on a user: end sessions, reset MFA, mail a password
// reset or a new verification link, unlock after lockout. Each is audited.
import type { FastifyInstance } from 'fastify';
import { Conflict } from '../../http/errors.ts';
import { revokeUserSessions } from '../../sessions/session-service.ts';
import { auditAdmin, type Actor } from '../actor.ts';
import { sendPasswordReset, sendVerification } from './account-mail.ts';
import { lockoutStatus, unlockAccount } from '../../security/lockout.ts';
import { getUser } from './user-service.ts';
import { userChanged } from '../../accounts/user-profile.ts';

export async function endUserSessions(app: FastifyInstance, actor: Actor, id: string): Promise<number> {
  await getUser(app, id);
  const ended = await revokeUserSessions(app, id, 'admin.ended_sessions', { actor });
  await auditAdmin(app, actor, { action: 'user.sessions_ended', targetType: 'user', targetId: id, details: { ended } });
  return ended;
}

/** Removes the TOTP secret and recovery codes: the user signs in with the password alone and may set TOTP up again. */
export async function resetUserMfa(app: FastifyInstance, actor: Actor, id: string): Promise<void> {
  const user = await getUser(app, id);
  await app.db.$transaction([app.db.recoveryCode.deleteMany({ where: { userId: id } }), app.db.userMfa.deleteMany({ where: { userId: id } })]);
  await userChanged(app, id);
  await auditAdmin(app, actor, { action: 'user.mfa_reset', targetType: 'user', targetId: id, details: { before: { mfa_enabled: user.mfa_enabled }, after: { mfa_enabled: false } } });
}

export async function adminSendPasswordReset(app: FastifyInstance, actor: Actor, id: string): Promise<void> {
  const user = await getUser(app, id);
  if (user.disabled) throw new Conflict('the user is disabled; enable the account first');
  await sendPasswordReset(app, user);
  await auditAdmin(app, actor, { action: 'user.password_reset_sent', targetType: 'user', targetId: id });
}

export async function adminResendVerification(app: FastifyInstance, actor: Actor, id: string): Promise<void> {
  const user = await getUser(app, id);
  if (user.email_verified) throw new Conflict('the email address is already verified');
  await sendVerification(app, user);
  await auditAdmin(app, actor, { action: 'user.verification_sent', targetType: 'user', targetId: id });
}

/** Clears the lockout (security/lockout.ts audits it as account.unlocked); true when the account was locked or had failures. */
export async function adminUnlock(app: FastifyInstance, actor: Actor, id: string): Promise<boolean> {
  const user = await getUser(app, id);
  const before = await lockoutStatus(app, user.email);
  await unlockAccount(app, id, actor);
  return before.failures > 0 || before.lockedForSeconds > 0;
}
