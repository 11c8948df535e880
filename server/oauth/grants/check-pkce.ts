// RFC 7636 §4.6 with S256 only (RFC 9700 §2.1.1: plain is not offered).
import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../security/crypto.ts';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function pkceMatches(verifier: string | undefined, challenge: string): boolean {
  if (!verifier || !VERIFIER.test(verifier)) return false;
  const computed = createHash('sha256').update(verifier, 'ascii').digest('base64url');
  return constantTimeEqual(computed, challenge);
}
