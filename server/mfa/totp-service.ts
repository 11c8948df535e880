// TOTP life cycle: setup (pending secret) → enable (a valid code; recovery codes
// shown once) → use → disable. The secret is encrypted at rest, bound to its
// user (AES-GCM associated data), and a code is accepted at most once: the
// accepted time step is claimed atomically in Postgres, so even two requests
// racing with the same code within its window cannot both pass.
import type { FastifyInstance } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import { Conflict, InvalidGrant, InvalidRequest, TooManyRequests } from '../http/errors.ts';
import { decrypt, deriveKey, encrypt } from '../security/crypto.ts';
import { sendTotpMail } from '../accounts/account-mail.ts';
import { matchTotp, newTotpSecret, otpauthUri, qrCodeDataUrl } from './totp.ts';
import { replaceRecoveryCodes, useRecoveryCode } from './recovery-codes.ts';
import { assertNotLocked as assertAccountNotLocked, clearSignInFailures, recordSignInFailure } from '../security/lockout.ts';
import { userChanged } from '../accounts/user-profile.ts';

export const ISSUER_NAME = 'Latchkey';
const MAX_FAILURES = 10; // per user per window: 10 guesses of 10^6 codes
const FAILURE_WINDOW_MS = 15 * 60_000;

interface MfaUser {
  id: string;
  email: string;
  name: string | null;
}

export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
  qr_code: string;
}

const secretKey = (app: FastifyInstance) => deriveKey(app.config.encryptionKey, 'totp');

async function describe(app: FastifyInstance, user: MfaUser, secret: string): Promise<TotpSetup> {
  const uri = otpauthUri(ISSUER_NAME, user.email, secret);
  return { secret, otpauth_uri: uri, qr_code: await qrCodeDataUrl(uri) };
}

/** A new pending secret (replacing an earlier pending one). 409 while TOTP is on. */
export async function setupTotp(app: FastifyInstance, user: MfaUser): Promise<TotpSetup> {
  const existing = await app.db.userMfa.findUnique({ where: { userId: user.id } });
  if (existing?.enabledAt) throw new Conflict('two-step verification is already on; turn it off first to set up a new authenticator');
  const secret = newTotpSecret();
  const secretEnc = encrypt(secretKey(app), secret, user.id);
  await app.db.userMfa.upsert({ where: { userId: user.id }, create: { userId: user.id, secretEnc }, update: { secretEnc, lastUsedStep: null } });
  return describe(app, user, secret);
}

/** The pending (not yet enabled) setup, to show again on /account. */
export async function pendingTotp(app: FastifyInstance, user: MfaUser): Promise<TotpSetup | null> {
  const row = await app.db.userMfa.findUnique({ where: { userId: user.id } });
  if (!row || row.enabledAt) return null;
  return describe(app, user, decrypt(secretKey(app), row.secretEnc, user.id));
}

async function countFailure(app: FastifyInstance, userId: string): Promise<void> {
  await app.store.increment(`mfa:fail:${userId}`, FAILURE_WINDOW_MS);
}

async function assertNotLocked(app: FastifyInstance, userId: string): Promise<void> {
  const n = Number((await app.store.get(`mfa:fail:${userId}`)) ?? 0);
  if (n >= MAX_FAILURES) throw new TooManyRequests('too many wrong codes; wait 15 minutes and try again');
}

/** Checks a TOTP code against the user's secret and claims its time step (replay-proof). */
async function acceptTotp(app: FastifyInstance, userId: string, code: string, requireEnabled: boolean): Promise<boolean> {
  const row = await app.db.userMfa.findUnique({ where: { userId } });
  if (!row || (requireEnabled && !row.enabledAt)) return false;
  const step = await matchTotp(decrypt(secretKey(app), row.secretEnc, userId), code);
  if (step === null) return false;
  const claimed = await app.db.$executeRaw`UPDATE user_mfa SET last_used_step = ${BigInt(step)}, updated_at = now()
    WHERE user_id = ${userId}::uuid AND (last_used_step IS NULL OR last_used_step < ${BigInt(step)})`;
  return claimed === 1;
}

export async function enableTotp(app: FastifyInstance, user: MfaUser, code: string, ip?: string): Promise<string[]> {
  const row = await app.db.userMfa.findUnique({ where: { userId: user.id } });
  if (!row) throw new InvalidRequest('set up an authenticator first (POST /auth/mfa/totp/setup)');
  if (row.enabledAt) throw new Conflict('two-step verification is already on');
  await assertNotLocked(app, user.id);
  if (!(await acceptTotp(app, user.id, code, false))) {
    await countFailure(app, user.id);
    throw new InvalidGrant('the code is wrong or was already used', { details: [{ field: 'body.code', message: 'is wrong or was already used' }] });
  }
  const { count } = await app.db.userMfa.updateMany({ where: { userId: user.id, enabledAt: null }, data: { enabledAt: new Date() } });
  if (!count) throw new Conflict('two-step verification is already on');
  await userChanged(app, user.id);
  const codes = await replaceRecoveryCodes(app, user.id);
  await recordAudit(app, { action: 'mfa.enabled', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip, details: { method: 'totp' } });
  await sendTotpMail(app, user, true);
  return codes;
}

export type SecondFactor = { code?: string; recoveryCode?: string };

/** Verifies a TOTP code or a recovery code of a user with TOTP on. Returns the method used. */
/** `signIn`: failures are audited as login.failed (with the reason), otherwise as mfa.failed (settings changes). */
export async function verifySecondFactor(app: FastifyInstance, user: MfaUser, factor: SecondFactor, ip?: string, opts: { signIn?: boolean } = {}): Promise<'otp' | 'recovery'> {
  await assertAccountNotLocked(app, user.email);
  await assertNotLocked(app, user.id);
  if (factor.code && (await acceptTotp(app, user.id, factor.code, true))) {
    if (opts.signIn) await clearSignInFailures(app, user.email); // the sign-in is complete
    return 'otp';
  }
  if (factor.recoveryCode && (await isEnabled(app, user.id)) && (await useRecoveryCode(app, user.id, factor.recoveryCode))) {
    await recordAudit(app, { action: 'mfa.recovery_code_used', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip });
    if (opts.signIn) await clearSignInFailures(app, user.email);
    return 'recovery';
  }
  // two counters: ours is never cleared by a correct password (an attacker who
  // knows it cannot reset the code budget by signing in again); the account
  // lockout makes repeated code failures lock password sign-in as well
  await countFailure(app, user.id);
  await recordSignInFailure(app, { email: user.email, userId: user.id, ip, factor: 'otp' });
  const reason = factor.code ? 'wrong_otp' : 'wrong_recovery_code';
  await recordAudit(app, { action: opts.signIn ? 'login.failed' : 'mfa.failed', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip, details: { reason } });
  throw new InvalidGrant(factor.code ? 'the code is wrong or was already used' : 'the recovery code is wrong or was already used');
}

async function isEnabled(app: FastifyInstance, userId: string): Promise<boolean> {
  const row = await app.db.userMfa.findUnique({ where: { userId }, select: { enabledAt: true } });
  return !!row?.enabledAt;
}

export async function disableTotp(app: FastifyInstance, user: MfaUser, factor: SecondFactor, ip?: string): Promise<void> {
  if (!(await isEnabled(app, user.id))) throw new Conflict('two-step verification is not on');
  await verifySecondFactor(app, user, factor, ip);
  await removeTotp(app, user.id);
  await recordAudit(app, { action: 'mfa.disabled', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip });
  await sendTotpMail(app, user, false);
}

/** Removes the secret and every recovery code (also used by the admin "reset MFA"). */
export async function removeTotp(app: FastifyInstance, userId: string): Promise<void> {
  await app.db.$transaction([app.db.recoveryCode.deleteMany({ where: { userId } }), app.db.userMfa.deleteMany({ where: { userId } })]);
  await userChanged(app, userId);
}

export async function regenerateRecoveryCodes(app: FastifyInstance, user: MfaUser, code: string, ip?: string): Promise<string[]> {
  if (!(await isEnabled(app, user.id))) throw new Conflict('two-step verification is not on');
  await verifySecondFactor(app, user, { code }, ip);
  const codes = await replaceRecoveryCodes(app, user.id);
  await recordAudit(app, { action: 'mfa.recovery_codes_regenerated', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip });
  return codes;
}
