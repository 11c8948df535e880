// Email verification (24 h, single use, purpose-bound). Requests answer the same
// for unknown, unverified and verified addresses.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { canonicalEmail } from './email.ts';
import { consumeEmailToken } from './email-tokens.ts';
import { sendVerificationMail } from './account-mail.ts';
import { uniformTime } from '../security/uniform-time.ts';
import { userChanged } from './user-profile.ts';

/** a known unverified address costs a token row and a mail: every request answers after this floor */
export const VERIFICATION_REQUEST_FLOOR_MS = 300;

export function requestVerification(app: FastifyInstance, email: string, ip?: string): Promise<void> {
  return uniformTime(VERIFICATION_REQUEST_FLOOR_MS, async () => {
    const user = await app.db.user.findUnique({ where: { emailCanonical: canonicalEmail(email) } });
    if (!user || user.emailVerifiedAt || user.disabledAt) return;
    await sendVerificationMail(app, user);
    await recordAudit(app, { action: 'email.verification_requested', targetType: 'user', targetId: user.id, ip });
  });
}

export async function confirmVerification(app: FastifyInstance, token: string, ip?: string): Promise<{ userId: string }> {
  const row = await consumeEmailToken(app, token, ['email_verification']);
  const { count } = await app.db.user.updateMany({ where: { id: row.userId, emailVerifiedAt: null }, data: { emailVerifiedAt: new Date() } });
  await userChanged(app, row.userId);
  if (count) await recordAudit(app, { action: 'email.verified', actorId: row.userId, targetType: 'user', targetId: row.userId, ip });
  return { userId: row.userId };
}
