// Signs a JWT with the current key of the ring. `typ` tells token kinds apart
// (RFC 9068 §2.1: access tokens are `at+jwt`; ID tokens plain `JWT`), so one
// can never be accepted as the other.
import { SignJWT, type JWTPayload } from 'jose';
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { keyRing } from '../../keys/key-ring.ts';

export async function signJwt(app: FastifyInstance, payload: JWTPayload, typ: 'at+jwt' | 'JWT'): Promise<{ jwt: string; alg: string }> {
  const { kid, alg, key } = await keyRing(app).signingKey();
  const jwt = await new SignJWT(payload).setProtectedHeader({ alg, kid, typ }).sign(key);
  return { jwt, alg };
}

/** OIDC Core §3.1.3.6: left half of the hash that matches the signing alg */
export function leftHalfHash(value: string, alg: string): string {
  const hash = alg === 'EdDSA' ? 'sha512' : 'sha256';
  const digest = createHash(hash).update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
