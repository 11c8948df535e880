// RFC 6749 §6 with rotation (RFC 9700 §4.14.2): see tokens/rotate-refresh-token.ts.
import type { Grant } from './grant.ts';
import { InvalidRequest } from '../../http/errors.ts';
import { rotateRefreshToken } from '../tokens/rotate-refresh-token.ts';
import { parseScope } from '../tokens/scopes.ts';
import { parseResource } from '../tokens/resource.ts';

export const refreshTokenGrant: Grant = {
  type: 'refresh_token',
  params: ['refresh_token', 'scope', 'resource'],
  async handler({ request, client, params }) {
    if (!params.refresh_token) throw new InvalidRequest('refresh_token is required');
    return rotateRefreshToken(request, { client, refreshToken: params.refresh_token, scope: parseScope(params.scope), resource: parseResource(params.resource) });
  },
};
