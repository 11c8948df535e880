// The password check of every sign-in (JSON API, password grant, /login page).
// Unknown emails cost the same argon2 work as known ones and get the same
// answer; "not verified" is said only to someone who knew the password.
import type { FastifyInstance } from 'fastify';
import type { User } from '../db/generated/client.ts';
import { PasswordHasher } from '../security/passwords.ts';
import { canonicalEmail } from './email.ts';
import { recordAudit } from '../audit/audit.ts';
import { EmailNotVerified, InvalidGrant } from '../http/errors.ts';
import { assertNotLocked, clearSignInFailures, recordSignInFailure } from '../security/lockout.ts';
import { isMfaEnabled } from '../mfa/challenge.ts';

const hashers = new WeakMap<object, PasswordHasher>();
function hasher(app: FastifyInstance): PasswordHasher {
  let h = hashers.get(app.config);
  if (!h) hashers.set(app.config, (h = new PasswordHasher(app.config.argon2)));
  return h;
}

export async function verifyPasswordLogin(app: FastifyInstance, input: { email: string; password: string; ip?: string }): Promise<User> {
  const email = canonicalEmail(String(input.email ?? '')).slice(0, 320);
  // lockout (security/lockout.ts) counts unknown emails too: no enumeration oracle
  await assertNotLocked(app, email);
  const user = email ? await app.db.user.findUnique({ where: { emailCanonical: email } }) : null;
  const ok = await hasher(app).verify(user?.passwordHash ?? null, String(input.password ?? ''));
  if (!user || !ok) {
    await recordAudit(app, { action: 'login.failed', actorId: user?.id ?? null, actorEmail: user?.email ?? null, targetType: 'user', targetId: user?.id ?? null, ip: input.ip ?? null, details: { reason: user ? 'wrong_password' : 'unknown_email' } });
    await recordSignInFailure(app, { email, userId: user?.id, ip: input.ip });
    throw new InvalidGrant('invalid email or password');
  }
  if (user.disabledAt) {
    await recordAudit(app, { action: 'login.failed', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip: input.ip ?? null, details: { reason: 'disabled' } });
    await recordSignInFailure(app, { email, userId: user.id, ip: input.ip });
    throw new InvalidGrant('invalid email or password');
  }
  // a right password alone does not end a failure streak while a second factor is still to come:
  // the TOTP step clears it (else password + wrong codes, again and again, would never lock)
  if (!(await isMfaEnabled(app, user.id))) await clearSignInFailures(app, email);
  if (hasher(app).needsRehash(user.passwordHash!)) {
    // parameters changed since this hash was made: upgrade it now that we know the password
    const passwordHash = await hasher(app).hash(String(input.password));
    await app.db.user.update({ where: { id: user.id }, data: { passwordHash } });
  }
  if (app.config.requireEmailVerification && !user.emailVerifiedAt) throw new EmailNotVerified('verify your email address before signing in');
  return user;
}
