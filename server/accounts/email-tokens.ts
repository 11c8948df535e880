// One-time email tokens (verification, password reset, invitation): 256-bit
// random, only their SHA-256 is stored, bound to a purpose, single use, and a
// new token of a purpose supersedes the older ones of that user. A token of one
// purpose is never accepted as another (DESIGN §4).
import type { FastifyInstance } from 'fastify';
import type { EmailTokenPurpose } from '../db/generated/enums.ts';
import { InvalidGrant } from '../http/errors.ts';
import { randomToken, sha256 } from '../security/crypto.ts';

export type { EmailTokenPurpose };

export const TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  email_verification: 24 * 3600_000,
  password_reset: 3600_000,
  invitation: 7 * 24 * 3600_000,
};

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;
const INVALID = 'the link is invalid, has expired or was already used; ask for a new one';

export async function issueEmailToken(app: FastifyInstance, userId: string, purpose: EmailTokenPurpose): Promise<string> {
  const token = randomToken();
  const now = new Date();
  await app.db.$transaction([
    // superseded: only the newest link of a purpose works
    app.db.emailToken.updateMany({ where: { userId, purpose, usedAt: null }, data: { usedAt: now } }),
    app.db.emailToken.create({ data: { userId, purpose, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + TOKEN_TTL_MS[purpose]) } }),
  ]);
  return token;
}

/** The user a still-valid token belongs to, without using it up (to check a new password against the policy first). */
export async function peekEmailToken(app: FastifyInstance, token: string, purposes: EmailTokenPurpose[]) {
  if (!TOKEN.test(token)) throw new InvalidGrant(INVALID);
  const row = await app.db.emailToken.findUnique({ where: { tokenHash: sha256(token) }, include: { user: true } });
  if (!row || !purposes.includes(row.purpose) || row.usedAt || row.expiresAt <= new Date() || row.user.disabledAt) throw new InvalidGrant(INVALID);
  return row;
}

/** Uses the token up atomically: of two concurrent uses exactly one wins. */
export async function consumeEmailToken(app: FastifyInstance, token: string, purposes: EmailTokenPurpose[]) {
  if (!TOKEN.test(token)) throw new InvalidGrant(INVALID);
  const [row] = await app.db.emailToken.updateManyAndReturn({
    where: { tokenHash: sha256(token), purpose: { in: purposes }, usedAt: null, expiresAt: { gt: new Date() }, user: { disabledAt: null } },
    data: { usedAt: new Date() },
  });
  if (!row) throw new InvalidGrant(INVALID);
  return row;
}
