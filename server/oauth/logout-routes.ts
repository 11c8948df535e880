// GET /oauth/logout: OIDC RP-Initiated Logout 1.0. With a valid id_token_hint
// for the user of this browser, the session ends at once and, when the
// post_logout_redirect_uri is registered for that client (exact match), the
// browser goes back there with `state`. Anything else never redirects (no open
// redirector) and, while someone is signed in, asks them to confirm (§2:
// a logout request without a hint may be forged by any site).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { findClient } from '../clients/client-service.ts';
import { endBrowserSession, getBrowserUser } from '../browser/browser-session.ts';
import { csrfBody, verifyCsrf } from '../browser/csrf.ts';
import { revokeSession } from '../sessions/session-service.ts';
import { verifyIdTokenHint } from './id-token-hint.ts';
import { clientRedirectUrl } from './authorize-response.ts';

const Html = Type.String({ description: 'HTML page' });
const LogoutQuery = Type.Object({
  id_token_hint: Type.Optional(Type.Unknown({ description: 'an ID token Latchkey issued to the client (may be expired)' })),
  post_logout_redirect_uri: Type.Optional(Type.Unknown({ description: 'one of the client’s registered post-logout redirect URIs' })),
  state: Type.Optional(Type.Unknown({ description: 'returned unchanged' })),
  client_id: Type.Optional(Type.Unknown({ description: 'must match the hint’s audience when given' })),
});

export const oauthLogoutRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/oauth/logout', {
    config: { browser: true },
    schema: { tags: ['oauth'], summary: 'RP-initiated logout (end_session_endpoint)', querystring: LogoutQuery, response: { 200: Html, 303: Type.Null() } },
  }, async (request, reply) => {
    const q = request.query as Record<string, unknown>;
    const hint = await verifyIdTokenHint(app, q.id_token_hint);
    const bu = await getBrowserUser(request);
    const client = hint ? await findClient(app, hint.clientId) : null;
    const trusted = hint && client && !client.disabledAt && (q.client_id === undefined || q.client_id === hint.clientId) && (!bu || bu.user.id === hint.sub);

    if (!trusted) {
      if (bu) return reply.type('text/html').view('logout.eta', { title: 'Sign out', email: bu.user.email, action: '/oauth/logout', cancelHref: '/account' });
      return reply.type('text/html').view('signed-out.eta', { title: 'Signed out' });
    }
    if (bu) await endBrowserSession(request, reply, 'rp_logout');
    // the client's own session (sid of the hint) ends too: its refresh tokens stop
    if (hint.sid) {
      const own = await app.db.session.findUnique({ where: { id: hint.sid }, select: { userId: true } }).catch(() => null);
      if (own?.userId === hint.sub) await revokeSession(app, hint.sid, 'rp_logout', { id: hint.sub });
    }
    const target = typeof q.post_logout_redirect_uri === 'string' ? q.post_logout_redirect_uri : undefined;
    if (target && client.postLogoutRedirectUris.includes(target)) {
      const state = typeof q.state === 'string' && q.state.length <= 4096 ? q.state : undefined;
      return reply.redirect(clientRedirectUrl(target, { state }), 303);
    }
    return reply.type('text/html').view('signed-out.eta', { title: 'Signed out', clientName: client.firstParty ? null : client.name });
  });

  // the confirmation form of a logout request without a valid hint
  app.post('/oauth/logout', {
    config: { browser: true },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object(csrfBody), response: { 200: Html } },
  }, async (request, reply) => {
    await endBrowserSession(request, reply, 'logout');
    return reply.type('text/html').view('signed-out.eta', { title: 'Signed out' });
  });
};
