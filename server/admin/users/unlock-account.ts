// Per-account lockout counters live in the store (DESIGN §4). Unlocking clears
// them so the user can try again at once.
// TODO(harden): keep these keys in step with the lockout module when it lands.
import type { FastifyInstance } from 'fastify';

export const lockoutKeys = (userId: string) => [`lockout:${userId}`, `lockout:fail:${userId}`, `login-fail:${userId}`];

/** true when a lock or failure counter was cleared */
export async function unlockAccount(app: FastifyInstance, userId: string): Promise<boolean> {
  const cleared = await Promise.all(lockoutKeys(userId).map((k) => app.store.delete(k)));
  return cleared.some(Boolean);
}

export async function isAccountLocked(app: FastifyInstance, userId: string): Promise<boolean> {
  return (await app.store.get(lockoutKeys(userId)[0]!)) !== null;
}
