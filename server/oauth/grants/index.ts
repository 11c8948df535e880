// The grant registry: one module per grant type. Adding a grant (device code,
// token exchange, mfa-otp) means adding one file and one line here.
import type { Client } from '../../db/generated/client.ts';
import type { Grant } from './grant.ts';
import { authorizationCodeGrant } from './authorization-code.ts';
import { refreshTokenGrant } from './refresh-token.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import { passwordGrant } from './password.ts';
import { mfaOtpGrant } from './mfa-otp.ts';

export type { Grant, GrantContext } from './grant.ts';

export const grants: Grant[] = [authorizationCodeGrant, refreshTokenGrant, clientCredentialsGrant, passwordGrant, mfaOtpGrant];

export function findGrant(type: string): Grant | undefined {
  return grants.find((g) => g.type === type);
}

export function clientMayUse(client: Client, grant: Grant): boolean {
  return grant.allowed ? grant.allowed(client) : client.grantTypes.includes(grant.type);
}
