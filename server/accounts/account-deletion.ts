// "Delete my account": needs the password, ends every session, audits
// `account.deleted` (the audit row outlives the user) and deletes the user row
// (sessions, tokens, MFA, roles and consents cascade).
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { Conflict, InvalidGrant } from '../http/errors.ts';
import { revokeUserSessions } from '../sessions/session-service.ts';
import { passwordHasher } from './hasher.ts';
import { userChanged } from './user-profile.ts';

export async function deleteOwnAccount(app: FastifyInstance, userId: string, password: string, ip?: string): Promise<void> {
  const user = await app.db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await passwordHasher(app).verify(user.passwordHash, password))) {
    throw new InvalidGrant('the password is wrong', { details: [{ field: 'body.password', message: 'is wrong' }] });
  }
  // the last administrator cannot remove themselves: nobody could manage Latchkey afterwards
  const admins = await app.db.userRole.findMany({ where: { role: { name: 'admin' }, user: { disabledAt: null } }, select: { userId: true } });
  if (admins.length === 1 && admins[0]!.userId === user.id) {
    throw new Conflict('you are the last administrator; make someone else an administrator first');
  }
  await revokeUserSessions(app, user.id, 'account_deleted', { actor: { id: user.id, email: user.email, ip } });
  await recordAudit(app, { action: 'account.deleted', actorId: null, actorEmail: user.email, targetType: 'user', targetId: user.id, ip, details: { self_service: true } });
  await app.db.user.delete({ where: { id: user.id } });
  await userChanged(app, user.id);
}
