// CSP `form-action 'self'` also governs the redirects that follow a form
// submission (CSP3 §6.3.1; Chrome enforces it): after the sign-in, MFA or
// consent form, the browser is redirected on to the client's redirect URI,
// which 'self' would block. Pages whose forms lead to a client widen
// form-action to exactly that redirect URI's origin, and nothing else.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { findClient } from '../clients/client-service.ts';
import { getLoginFlow } from './login-flow.ts';
import { redirectUriAllowed } from '../oauth/redirect-uri.ts';

const allowed = new WeakMap<FastifyReply, Set<string>>();

/** CSP source for a redirect URI: its origin, or its scheme for private-use schemes (RFC 8252 §7.1). */
function sourceFor(uri: string): string | null {
  try {
    const url = new URL(uri);
    if (url.origin !== 'null') return url.origin;
    return /^[a-z][a-z0-9+.-]*:$/.test(url.protocol) ? url.protocol : null;
  } catch {
    return null;
  }
}

export function allowFormActionTo(reply: FastifyReply, redirectUri: string): void {
  const source = sourceFor(redirectUri);
  if (!source) return;
  let set = allowed.get(reply);
  if (!set) allowed.set(reply, (set = new Set()));
  set.add(source);
}

/** The registered redirect URI an authorize return_to leads to, if any. */
async function redirectUriOf(app: FastifyInstance, returnTo: unknown): Promise<string | null> {
  if (typeof returnTo !== 'string' || !returnTo.startsWith('/oauth/authorize?')) return null;
  const q = new URLSearchParams(returnTo.slice('/oauth/authorize?'.length));
  const clientId = q.get('client_id');
  if (!clientId || !/^[\x20-\x7e]{1,200}$/.test(clientId)) return null;
  const client = await findClient(app, clientId);
  if (!client || client.disabledAt) return null;
  const uri = q.get('redirect_uri') ?? (client.redirectUris.length === 1 ? client.redirectUris[0]! : null);
  return uri && redirectUriAllowed(client, uri) ? uri : null;
}

/** For sign-in style pages (return_to or a login flow): allow the client the flow will end at. */
export async function allowFormActionForFlow(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const q = (request.query ?? {}) as Record<string, unknown>;
  const b = (request.body ?? {}) as Record<string, unknown>;
  let returnTo = q.return_to ?? b.return_to;
  const flowId = q.flow ?? b.flow;
  if (!returnTo && flowId) returnTo = (await getLoginFlow(request, reply, flowId))?.returnTo;
  const uri = await redirectUriOf(request.server, returnTo);
  if (uri) allowFormActionTo(reply, uri);
}

/** onSend: rewrite the CSP header of this response when sources were allowed. */
export function applyFormAction(reply: FastifyReply): void {
  const set = allowed.get(reply);
  const csp = reply.getHeader('content-security-policy');
  if (!set?.size || typeof csp !== 'string') return;
  reply.header('content-security-policy', csp.replace(/form-action 'self'/, `form-action 'self' ${[...set].join(' ')}`));
}
