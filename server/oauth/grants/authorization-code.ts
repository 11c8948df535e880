// RFC 6749 §4.1.3 code exchange. The code is bound to its client, redirect URI
// and PKCE verifier (required for every client, RFC 9700 §2.1.1). A replayed
// code revokes the session it already produced (§4.1.2).
import type { Grant } from './grant.ts';
import { InvalidGrant, InvalidRequest } from '../../http/errors.ts';
import { markCodeUsed, takeAuthorizationCode, usedCodeSession } from '../authorization-code.ts';
import { pkceMatches } from './check-pkce.ts';
import { createSession, isSessionActive, revokeSession } from '../../sessions/session-service.ts';
import { issueTokens } from '../tokens/issue-tokens.ts';
import { effectiveAccess } from '../../rbac/effective-access.ts';
import { audit } from '../../audit/audit.ts';

const invalid = () => new InvalidGrant('the authorization code is invalid, expired or already used');

export const authorizationCodeGrant: Grant = {
  type: 'authorization_code',
  params: ['code', 'redirect_uri', 'code_verifier', 'resource'],
  async handler({ app, request, client, params }) {
    if (!params.code) throw new InvalidRequest('code is required');
    if (!params.code_verifier) throw new InvalidRequest('code_verifier is required (PKCE)');
    const data = await takeAuthorizationCode(app, params.code);
    if (!data) {
      const issued = await usedCodeSession(app, params.code);
      if (issued) {
        await revokeSession(app, issued, 'authorization_code.reused');
        await audit(request, { action: 'authorization_code.reused', targetType: 'session', targetId: issued, details: { client_id: client.id } });
      }
      throw invalid();
    }
    if (data.clientId !== client.id) throw invalid();
    // §4.1.3: redirect_uri must be identical to the one of the authorization request
    if (params.redirect_uri !== data.redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request');
    if (!pkceMatches(params.code_verifier, data.codeChallenge)) throw new InvalidGrant('code_verifier does not match the code challenge');
    if (data.resource && params.resource && params.resource !== data.resource) throw new InvalidGrant('resource does not match the authorization request');
    const [user, browserActive, access] = await Promise.all([
      app.db.user.findUnique({ where: { id: data.userId } }),
      isSessionActive(app, data.sessionId),
      effectiveAccess(app.db, data.userId),
    ]);
    if (!user || user.disabledAt || !browserActive) throw invalid();
    const authTime = new Date(data.authTime);
    // permission scopes the user no longer holds are dropped (RFC 6749 §3.3)
    const scope = data.scope.filter((s) => !s.includes(':') || client.firstParty || access.permissions.includes(s));
    const includeRefresh = client.grantTypes.includes('refresh_token');
    const session = await createSession(app, {
      userId: user.id, clientId: client.id, amr: data.amr, authTime, ip: request.ip, userAgent: request.headers['user-agent'],
      refreshScope: includeRefresh ? scope : undefined,
    });
    await markCodeUsed(app, params.code, session.id);
    return issueTokens(app, {
      client, user, session, scope, access,
      amr: data.amr, authTime, nonce: data.nonce,
      resource: data.resource ?? params.resource,
      includeRefresh,
      refreshToken: session.refreshToken,
    });
  },
};
