// The last step of /oauth/authorize: a code (RFC 6749 §4.1.2) bound to the
// client, redirect URI, PKCE challenge and browser session, sent back with state and iss.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createAuthorizationCode } from './authorization-code.ts';
import { redirectToClient } from './authorize-response.ts';
import type { BrowserUser } from '../browser/browser-session.ts';

export async function issueCode(request: FastifyRequest, reply: FastifyReply, bu: BrowserUser, p: { clientId: string; redirectUri: string; state?: string; scope: string[]; codeChallenge: string; nonce?: string }) {
  const code = await createAuthorizationCode(request.server, {
    clientId: p.clientId,
    userId: bu.user.id,
    sessionId: bu.session.id,
    redirectUri: p.redirectUri,
    scope: p.scope,
    codeChallenge: p.codeChallenge,
    nonce: p.nonce,
    authTime: bu.session.authTime,
    amr: bu.session.amr,
  });
  return redirectToClient(reply, request.server.config.issuer, p.redirectUri, { code, state: p.state });
}
