// Account lockout (DESIGN §5, §6; OWASP ASVS 2.2.1): after LOCKOUT_THRESHOLD
// failed sign-ins (password or second factor) on one account, the account is
// locked for LOCKOUT_BASE, doubling with every further failure up to
// LOCKOUT_MAX. It applies whatever the rate limits are and from every IP.
//
// Counters are keyed by the CANONICAL EMAIL, not by the user row, and are kept
// for unknown emails exactly as for real ones: the answers (status, body,
// timing) for a locked unknown email are the same as for a locked account, so
// lockout is no enumeration oracle. Keys hold a SHA-256 of the email (no
// addresses in Redis key names).
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http/errors.ts';
import { canonicalEmail } from '../accounts/email.ts';
import { recordAudit } from '../audit/audit.ts';
import { sha256 } from './crypto.ts';

/** failures are remembered this long after the first one (a success clears them) */
const FAILURE_MEMORY_MS = 24 * 3600_000;

export class AccountLocked extends HttpError {
  constructor(retryAfterSeconds: number) {
    const s = Math.max(1, Math.ceil(retryAfterSeconds));
    super(429, 'too_many_requests', `too many failed sign-ins for this account; try again in ${s} s`, {}, { 'retry-after': String(s) });
  }
}

const keys = (email: string) => {
  const h = sha256(canonicalEmail(email));
  return { failures: `lockout:fail:${h}`, until: `lockout:until:${h}` };
};

/** lock duration after `failures` failures, in ms (0 below the threshold) */
export function lockDurationMs(app: FastifyInstance, failures: number): number {
  const { threshold, baseSeconds, maxSeconds } = app.config.lockout;
  if (failures < threshold) return 0;
  return Math.min(baseSeconds * 2 ** Math.min(failures - threshold, 30), maxSeconds) * 1000;
}

/**
 * Throws AccountLocked while the account (known or not) is locked. Call before
 * checking any credential. Returns the failures counted so far (same round trip):
 * a success has no streak to clear when there were none.
 */
export async function assertNotLocked(app: FastifyInstance, email: string): Promise<number> {
  const { failures, lockedForMs } = await readLockout(app, email);
  if (lockedForMs > 0) throw new AccountLocked(lockedForMs / 1000);
  return failures;
}

async function readLockout(app: FastifyInstance, email: string): Promise<{ failures: number; lockedForMs: number }> {
  const k = keys(email);
  const { value, ttlMs } = await app.store.getWithTtl(k.failures, k.until);
  return { failures: Number(value ?? 0), lockedForMs: Math.max(0, ttlMs) };
}

/** A failed sign-in step; locks the account once the threshold is reached. */
export async function recordSignInFailure(app: FastifyInstance, input: { email: string; userId?: string | null; ip?: string | null; factor?: 'password' | 'otp' }): Promise<void> {
  const k = keys(input.email);
  const { value } = await app.store.increment(k.failures, FAILURE_MEMORY_MS);
  const lockMs = lockDurationMs(app, value);
  if (!lockMs) return;
  await app.store.set(k.until, String(Date.now() + lockMs), lockMs);
  // written for unknown emails too (target null): same work, same time
  await recordAudit(app, {
    action: 'account.locked',
    targetType: 'user',
    targetId: input.userId ?? null,
    ip: input.ip ?? null,
    details: { failures: value, locked_seconds: Math.round(lockMs / 1000), factor: input.factor ?? 'password' },
  });
}

/** A successful sign-in clears the failure count. */
export async function clearSignInFailures(app: FastifyInstance, email: string): Promise<void> {
  const k = keys(email);
  await app.store.delete(k.failures);
}

/** For the admin API: { failures, lockedForSeconds } of a user. */
export async function lockoutStatus(app: FastifyInstance, email: string): Promise<{ failures: number; lockedForSeconds: number }> {
  const { failures, lockedForMs } = await readLockout(app, email);
  return { failures, lockedForSeconds: Math.ceil(lockedForMs / 1000) };
}

/** Admin unlock: clears the lock and the failure counts. Returns false for an unknown user. */
export async function unlockAccount(app: FastifyInstance, userId: string, actor: { id?: string | null; email?: string | null; ip?: string | null } = {}): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(userId)) return false;
  const user = await app.db.user.findUnique({ where: { id: userId }, select: { id: true, emailCanonical: true } });
  if (!user) return false;
  const k = keys(user.emailCanonical);
  await Promise.all([app.store.delete(k.failures), app.store.delete(k.until), app.store.delete(`mfa:fail:${userId}`)]);
  await recordAudit(app, { action: 'account.unlocked', actorId: actor.id ?? null, actorEmail: actor.email ?? null, targetType: 'user', targetId: userId, ip: actor.ip ?? null });
  return true;
}
