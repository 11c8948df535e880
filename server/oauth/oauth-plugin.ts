// Latchkey's OAuth 2 / OIDC surface: start-up duties (signing keys, the
// built-in first-party client) and the protocol routes, one line each.
import type { FastifyInstance } from 'fastify';
import { ensureSigningKeys } from '../keys/rotate-keys.ts';
import { keyRing } from '../keys/key-ring.ts';
import { ensureFirstPartyClient } from '../clients/client-service.ts';
import { jwksRoute } from '../keys/jwks-route.ts';
import { discoveryRoutes } from './discovery-route.ts';
import { tokenRoute } from './token/token-route.ts';
import { revokeRoute } from './revoke-route.ts';
import { introspectRoute } from './introspect-route.ts';
import { userinfoRoutes } from './userinfo-route.ts';
import { schedulePruning } from '../sessions/prune-expired.ts';

export async function oauthPlugin(app: FastifyInstance): Promise<void> {
  await ensureSigningKeys(app);
  // fail at start, with one clear line, rather than on every token request
  await keyRing(app).signingKey().catch((err: Error) => {
    throw new Error(`the signing keys cannot be decrypted: was ENCRYPTION_KEY changed? (${err.message})`);
  });
  await ensureFirstPartyClient(app.db, app.config.issuer);
  schedulePruning(app);
  await app.register(jwksRoute);
  await app.register(discoveryRoutes);
  await app.register(tokenRoute);
  await app.register(revokeRoute);
  await app.register(introspectRoute);
  await app.register(userinfoRoutes);
}
