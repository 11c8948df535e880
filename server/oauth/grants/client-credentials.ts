// RFC 6749 §4.4: a confidential client acting for itself. No user, no session,
// no refresh token (§4.4.3); scope is limited to what the client was given.
import type { Grant } from './grant.ts';
import { UnauthorizedClient } from '../../http/errors.ts';
import { issueTokens } from '../tokens/issue-tokens.ts';
import { clientScopes, parseScope } from '../tokens/scopes.ts';
import { parseResource } from '../tokens/resource.ts';

export const clientCredentialsGrant: Grant = {
  type: 'client_credentials',
  params: ['scope', 'resource'],
  async handler({ app, client, params }) {
    if (client.public) throw new UnauthorizedClient('public clients cannot use client_credentials');
    const scope = clientScopes(client, parseScope(params.scope));
    return issueTokens(app, { client, scope, resource: parseResource(params.resource), includeRefresh: false });
  },
};
