// Sends the browser back to the client. Every response, errors included,
// carries `iss` (RFC 9207) so a client talking to several servers can detect
// mix-up attacks; `state` is returned exactly as received (RFC 6749 §4.1.2).
import type { FastifyReply } from 'fastify';

export function clientRedirectUrl(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

export function redirectToClient(reply: FastifyReply, issuer: string, redirectUri: string, params: Record<string, string | undefined>): FastifyReply {
  // 303: the browser follows with a GET and never re-posts a consent form (RFC 9700 §4.12)
  reply.header('cache-control', 'no-store');
  return reply.redirect(clientRedirectUrl(redirectUri, { ...params, iss: issuer }), 303);
}

export function redirectError(reply: FastifyReply, issuer: string, e: { error: string; description: string; redirectUri: string; state?: string }): FastifyReply {
  return redirectToClient(reply, issuer, e.redirectUri, { error: e.error, error_description: e.description, state: e.state });
}
