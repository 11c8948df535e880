// Password change for a signed-in user: needs the current password, applies the
// policy, ends every other session (the one making the change stays).
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { InvalidGrant, InvalidRequest } from '../http/errors.ts';
import { revokeUserSessions } from '../sessions/session-service.ts';
import { passwordHasher } from './hasher.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { sendPasswordChangedMail } from './account-mail.ts';

export interface PasswordChange {
  userId: string;
  sessionId: string | null;
  currentPassword: string;
  newPassword: string;
  ip?: string;
}

export async function changePassword(app: FastifyInstance, input: PasswordChange): Promise<void> {
  const user = await app.db.user.findUnique({ where: { id: input.userId } });
  const hasher = passwordHasher(app);
  if (!user || !(await hasher.verify(user.passwordHash, input.currentPassword))) {
    if (user) await recordAudit(app, { action: 'password.change_failed', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip: input.ip, details: { reason: 'wrong_current_password' } });
    throw new InvalidGrant('the current password is wrong', { details: [{ field: 'body.current_password', message: 'is wrong' }] });
  }
  if (input.newPassword === input.currentPassword) {
    throw new InvalidRequest('new_password must differ from the current password', { details: [{ field: 'body.new_password', message: 'must differ from the current password' }] });
  }
  assertPasswordPolicy(input.newPassword, { email: user.email, name: user.name }, 'new_password');
  await app.db.user.update({ where: { id: user.id }, data: { passwordHash: await hasher.hash(input.newPassword), mustChangePassword: false } });
  await revokeUserSessions(app, user.id, 'password_changed', { exceptSessionId: input.sessionId ?? undefined, actor: { id: user.id, email: user.email, ip: input.ip } });
  await recordAudit(app, { action: 'password.changed', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip: input.ip });
  await sendPasswordChangedMail(app, user, 'changed');
}
