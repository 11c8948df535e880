// The password check of every sign-in (JSON API, password grant, /login page).
// Unknown emails cost the same argon2 work as known ones and get the same
// answer; "not verified" is said only to someone who knew the password.
import type { FastifyInstance } from 'fastify';
import type { User } from '../db/generated/client.ts';
import { canonicalEmail } from './email.ts';
import { passwordHasher } from './hasher.ts';
import { recordAudit } from '../audit/audit.ts';
import { EmailNotVerified, InvalidGrant } from '../http/errors.ts';
import { assertNotLocked, clearSignInFailures, recordSignInFailure } from '../security/lockout.ts';
import { accessOf, sortedAccess, type EffectiveAccess } from '../rbac/effective-access.ts';

/**
 * The user of a verified password, whether a second factor (TOTP) is still to
 * come, and the user's effective access (for the tokens, once every factor passed).
 */
export type PasswordUser = User & { mfaEnabled: boolean; access: EffectiveAccess };

// The user row, whether TOTP is on and the effective access (rbac/effective-access.ts), in one round trip.
const SIGN_IN_USER = `
  SELECT u.id, u.email, u.email_canonical AS "emailCanonical", u.name, u.password_hash AS "passwordHash",
    u.must_change_password AS "mustChangePassword", u.email_verified_at AS "emailVerifiedAt",
    u.disabled_at AS "disabledAt", u.last_login_at AS "lastLoginAt", u.created_at AS "createdAt", u.updated_at AS "updatedAt",
    (m.enabled_at IS NOT NULL) AS "mfaEnabled", a.roles, a.permissions
  FROM users u
    LEFT JOIN user_mfa m ON m.user_id = u.id
    CROSS JOIN LATERAL (${accessOf('u.id')}) a
  WHERE u.email_canonical = $1`;

/** A named prepared statement: no ORM query compilation, planned once per connection. */
export async function findUserForSignIn(app: FastifyInstance, emailCanonical: string): Promise<PasswordUser | null> {
  const rows = await app.db.sql.query<User & { mfaEnabled: boolean } & EffectiveAccess>('sign_in_user', SIGN_IN_USER, [emailCanonical]);
  if (!rows[0]) return null;
  const { roles, permissions, ...user } = rows[0];
  return { ...user, access: sortedAccess({ roles, permissions }) };
}

export async function verifyPasswordLogin(app: FastifyInstance, input: { email: string; password: string; ip?: string }): Promise<PasswordUser> {
  const email = canonicalEmail(String(input.email ?? '')).slice(0, 320);
  // lockout (security/lockout.ts) counts unknown emails too: no enumeration oracle.
  // The lock is checked before any credential; the row is read meanwhile (a read only).
  const [failures, user] = await Promise.all([assertNotLocked(app, email), email ? findUserForSignIn(app, email) : null]);
  const hasher = passwordHasher(app);
  const ok = await hasher.verify(user?.passwordHash ?? null, String(input.password ?? ''));
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
  // the TOTP step clears it (else password + wrong codes, again and again, would never lock).
  // No failure counted when the lock was checked: no streak to end, no store write.
  if (!user.mfaEnabled && failures > 0) await clearSignInFailures(app, email);
  if (hasher.needsRehash(user.passwordHash!)) {
    // parameters changed since this hash was made: upgrade it now that we know the password
    const passwordHash = await hasher.hash(String(input.password));
    await app.db.user.update({ where: { id: user.id }, data: { passwordHash } });
    user.passwordHash = passwordHash;
  }
  if (app.config.requireEmailVerification && !user.emailVerifiedAt) throw new EmailNotVerified('verify your email address before signing in');
  return user;
}
