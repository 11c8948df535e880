// The step between a correct password and the second factor: a single-use,
// five-minute challenge in the store. Only its SHA-256 is a key, so a store
// dump cannot be replayed.
import type { FastifyInstance } from 'fastify';
import { randomToken, sha256 } from '../security/crypto.ts';

export interface MfaChallenge {
  userId: string;
  clientId: string;
  scope: string;
  ip?: string;
  userAgent?: string;
  nonce?: string;
  purpose: 'api' | 'browser';
  flowId?: string;
}

const TTL_MS = 5 * 60_000;
const key = (token: string) => `mfa:challenge:${sha256(token)}`;

export async function createMfaChallenge(app: FastifyInstance, data: MfaChallenge): Promise<string> {
  const token = randomToken(32);
  await app.store.set(key(token), JSON.stringify(data), TTL_MS);
  return token;
}

/** atomic get+delete: a challenge finishes at most one sign-in */
export async function takeMfaChallenge(app: FastifyInstance, mfaToken: string): Promise<MfaChallenge | null> {
  if (typeof mfaToken !== 'string' || mfaToken.length < 10 || mfaToken.length > 200) return null;
  const raw = await app.store.take(key(mfaToken));
  return raw ? (JSON.parse(raw) as MfaChallenge) : null;
}
