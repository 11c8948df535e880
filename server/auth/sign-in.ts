// The one sign-in path of the JSON API and the password grant: password, then
// (when TOTP is on) an MFA challenge, then a session and its tokens. The MFA
// step (ACCOUNTS: /auth/mfa/verify and the mfa-otp grant) ends in finishSignIn.
import type { FastifyRequest } from 'fastify';
import type { Client, User } from '../db/generated/client.ts';
import { verifyPasswordLogin } from '../accounts/password-login.ts';
import { createMfaChallenge } from '../mfa/challenge.ts';
import { createSession } from '../sessions/session-service.ts';
import { issueTokens, type TokenResponse } from '../oauth/tokens/issue-tokens.ts';
import { effectiveAccess, type EffectiveAccess } from '../rbac/effective-access.ts';
import { userScopes } from '../oauth/tokens/scopes.ts';
import { MfaRequired } from '../http/errors.ts';

export interface PasswordSignIn {
  client: Client;
  email: string;
  password: string;
  /** requested scopes (undefined: the client's defaults) */
  scope?: string[];
  resource?: string;
}

export async function signInWithPassword(request: FastifyRequest, input: PasswordSignIn): Promise<TokenResponse> {
  const app = request.server;
  // the user row says whether TOTP is on and carries the effective access (same statement as the lookup)
  const user = await verifyPasswordLogin(app, { email: input.email, password: input.password, ip: request.ip });
  if (user.mfaEnabled) {
    const mfaToken = await createMfaChallenge(app, {
      userId: user.id,
      clientId: input.client.id,
      scope: (input.scope ?? []).join(' '),
      ip: request.ip,
      userAgent: request.headers['user-agent'],
      purpose: 'api',
    });
    throw new MfaRequired('a second factor is required', { mfa_token: mfaToken });
  }
  return finishSignIn(request, { client: input.client, user, amr: ['pwd'], scope: input.scope, resource: input.resource, access: user.access });
}

/**
 * After every factor passed: a new session (sid) and its tokens. The session,
 * its first refresh token, last_login_at and the `login.succeeded` audit row
 * are one statement (sessions/session-service.ts).
 */
export async function finishSignIn(
  request: FastifyRequest,
  input: { client: Client; user: User; amr: string[]; scope?: string[]; nonce?: string; resource?: string; access?: EffectiveAccess },
): Promise<TokenResponse> {
  const app = request.server;
  const access = input.access ?? (await effectiveAccess(app.db, input.user.id));
  // an invalid scope fails before the session is written
  const scope = userScopes(input.client, input.scope, access.permissions);
  const includeRefresh = input.client.grantTypes.includes('refresh_token');
  const session = await createSession(app, {
    userId: input.user.id, clientId: input.client.id, amr: input.amr, ip: request.ip, userAgent: request.headers['user-agent'],
    refreshScope: includeRefresh ? scope : undefined,
    audit: { action: 'login.succeeded', actorId: input.user.id, actorEmail: input.user.email, ip: request.ip, details: { client_id: input.client.id, amr: input.amr } },
  });
  return issueTokens(app, {
    client: input.client,
    user: input.user,
    session,
    scope,
    amr: input.amr,
    nonce: input.nonce,
    resource: input.resource,
    access,
    includeRefresh,
    refreshToken: session.refreshToken,
  });
}
