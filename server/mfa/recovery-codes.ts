// Ten single-use recovery codes, shown once. Stored as HMAC-SHA-256 under a key
// derived from ENCRYPTION_KEY: 50-bit codes hashed without a key could be
// brute-forced from a database dump alone.
import { createHmac, randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { deriveKey } from '../security/crypto.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read from paper

function newCode(): string {
  const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`;
}

/** Case, spaces and dashes do not matter when typing a code back. */
export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

export function hashRecoveryCode(app: FastifyInstance, code: string): string {
  return createHmac('sha256', deriveKey(app.config.encryptionKey, 'recovery-codes')).update(normalizeRecoveryCode(code)).digest('hex');
}

/** Replaces every recovery code of the user with ten new ones (returned once, never stored in clear). */
export async function replaceRecoveryCodes(app: FastifyInstance, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await app.db.$transaction([
    app.db.recoveryCode.deleteMany({ where: { userId } }),
    app.db.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: hashRecoveryCode(app, c) })) }),
  ]);
  return codes;
}

/** Uses a recovery code up; true only for an unused code of this user (atomic: one use wins). */
export async function useRecoveryCode(app: FastifyInstance, userId: string, code: string): Promise<boolean> {
  if (normalizeRecoveryCode(code).length !== 10) return false;
  const { count } = await app.db.recoveryCode.updateMany({ where: { userId, codeHash: hashRecoveryCode(app, code), usedAt: null }, data: { usedAt: new Date() } });
  return count === 1;
}

export function remainingRecoveryCodes(app: FastifyInstance, userId: string): Promise<number> {
  return app.db.recoveryCode.count({ where: { userId, usedAt: null } });
}
