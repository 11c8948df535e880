// RFC 6749 §4.3 Resource Owner Password Credentials: only for first-party
// clients (RFC 9700 §2.4 deprecates it for everyone else). With TOTP on, the
// answer is 403 mfa_required + mfa_token, finished by the mfa-otp grant.
import type { Grant } from './grant.ts';
import { InvalidRequest, UnauthorizedClient } from '../../http/errors.ts';
import { signInWithPassword } from '../../auth/sign-in.ts';
import { parseScope } from '../tokens/scopes.ts';
import { parseResource } from '../tokens/resource.ts';

export const passwordGrant: Grant = {
  type: 'password',
  params: ['username', 'password', 'scope', 'resource'],
  allowed: (client) => client.grantTypes.includes('password'),
  async handler({ request, client, params }) {
    if (!client.firstParty) throw new UnauthorizedClient('the password grant is only for first-party clients');
    if (!params.username || params.password === undefined) throw new InvalidRequest('username and password are required');
    return signInWithPassword(request, { client, email: params.username, password: params.password, scope: parseScope(params.scope), resource: parseResource(params.resource) });
  },
};
