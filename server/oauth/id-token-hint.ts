// Reads an `id_token_hint` (OIDC RP-Initiated Logout 1.0 §2): an ID token this
// server issued, signature checked with a published key (alg pinned by the key),
// `iss` ours. It may have expired: RPs log users out long after sign-in.
// Access tokens (typ at+jwt) are not ID tokens and are refused.
import { compactVerify, decodeProtectedHeader, type JWSHeaderParameters } from 'jose';
import type { FastifyInstance } from 'fastify';
import { keyRing } from '../keys/key-ring.ts';

export interface IdTokenHint {
  sub: string;
  clientId: string;
  sid?: string;
}

export async function verifyIdTokenHint(app: FastifyInstance, token: unknown): Promise<IdTokenHint | null> {
  if (typeof token !== 'string' || token.length > 8192) return null;
  try {
    const header = decodeProtectedHeader(token);
    if (header.typ !== undefined && header.typ !== 'JWT') return null;
    const ring = keyRing(app);
    const { payload } = await compactVerify(token, async (h: JWSHeaderParameters) => {
      const key = await ring.verificationKey(h.kid, h.alg);
      if (!key) throw new Error('unknown key');
      return key;
    }, { algorithms: ['ES256', 'EdDSA', 'RS256'] });
    const claims = JSON.parse(new TextDecoder().decode(payload)) as { iss?: unknown; sub?: unknown; aud?: unknown; azp?: unknown; sid?: unknown; nonce?: unknown };
    if (claims.iss !== app.config.issuer || typeof claims.sub !== 'string') return null;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const clientId = typeof claims.azp === 'string' ? claims.azp : aud.length === 1 ? aud[0] : undefined;
    if (typeof clientId !== 'string' || !aud.includes(clientId)) return null;
    return { sub: claims.sub, clientId, sid: typeof claims.sid === 'string' ? claims.sid : undefined };
  } catch {
    return null;
  }
}
