// Self-service registration. The answer is the same whether or not the email is
// taken (no enumeration, STYLE "two traps"): a new address gets a verification
// mail, a taken one a notice mail to its owner, and both paths do one argon2
// hash so their timing matches.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { Prisma } from '../db/client.ts';
import { InvalidRequest } from '../http/errors.ts';
import { canonicalEmail, isValidEmail, normalizeEmail } from './email.ts';
import { passwordHasher } from './hasher.ts';
import { assertPasswordPolicy } from './password-policy.ts';
import { cleanDisplayName } from './display-name.ts';
import { sendRegisterAttemptMail, sendVerificationMail } from './account-mail.ts';
import { uniformTime } from '../security/uniform-time.ts';

/** a new account costs a row and a mail more than a taken address: both answer after this floor */
export const REGISTER_FLOOR_MS = 300;

export interface Registration {
  email: string;
  password: string;
  name?: string;
}

export function registerUser(app: FastifyInstance, input: Registration, ip?: string): Promise<void> {
  return uniformTime(REGISTER_FLOOR_MS, () => register(app, input, ip));
}

async function register(app: FastifyInstance, input: Registration, ip?: string): Promise<void> {
  if (!isValidEmail(input.email)) throw new InvalidRequest('email is not a valid email address', { details: [{ field: 'body.email', message: 'is not a valid email address' }] });
  const email = normalizeEmail(input.email);
  const checkedName = cleanDisplayName(input.name);
  if (!checkedName.ok) throw new InvalidRequest(`name: ${checkedName.message}`, { details: [{ field: 'body.name', message: checkedName.message }] });
  const name = checkedName.name;
  assertPasswordPolicy(input.password, { email, name });
  const hash = await passwordHasher(app).hash(input.password);

  const existing = await app.db.user.findUnique({ where: { emailCanonical: canonicalEmail(email) } });
  if (existing) return duplicate(app, existing, ip);
  const role = await app.db.role.findUniqueOrThrow({ where: { name: 'user' } });
  let user;
  try {
    user = await app.db.user.create({
      data: { email, emailCanonical: canonicalEmail(email), name, passwordHash: hash, roles: { create: [{ roleId: role.id }] } },
    });
  } catch (err) {
    // a concurrent registration of the same address won the unique index
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') {
      const winner = await app.db.user.findUnique({ where: { emailCanonical: canonicalEmail(email) } });
      if (winner) return duplicate(app, winner, ip);
    }
    throw err;
  }
  await recordAudit(app, { action: 'user.registered', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip });
  await sendVerificationMail(app, user);
}

async function duplicate(app: FastifyInstance, user: { id: string; email: string; name: string | null }, ip?: string) {
  await recordAudit(app, { action: 'user.register_duplicate', targetType: 'user', targetId: user.id, ip });
  await sendRegisterAttemptMail(app, user);
}
