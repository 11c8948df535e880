// POST /oauth/authorize/consent: the answer of the consent page (OIDC Core
// §3.1.2.4). CSRF-checked, single use, and only from the user and browser
// session that were asked; "allow" is remembered, "deny" is access_denied.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { grantConsent, takePendingAuthorization } from './authorize-consent.ts';
import { redirectError } from './authorize-response.ts';
import { issueCode } from './authorize-issue-code.ts';
import { findClient } from '../clients/client-service.ts';
import { getBrowserUser } from '../browser/browser-session.ts';
import { csrfBody, verifyCsrf } from '../browser/csrf.ts';
import { renderError } from '../browser/render.ts';
import { audit } from '../audit/audit.ts';
import { redirectUriAllowed } from './redirect-uri.ts';

const Html = Type.String({ description: 'HTML page' });

export const consentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/oauth/authorize/consent', {
    config: { browser: true },
    preValidation: verifyCsrf,
    schema: {
      hide: true,
      body: Type.Object({ ...csrfBody, consent_id: Type.String({ maxLength: 200 }), decision: Type.Optional(Type.String({ maxLength: 10 })) }),
      response: { 303: Type.Null(), 400: Html },
    },
  }, async (request, reply) => {
    const pending = await takePendingAuthorization(app, request.body.consent_id);
    if (!pending) return renderError(reply, 400, 'This request has expired', 'Go back to the application and start signing in again.');
    const bu = await getBrowserUser(request);
    // the decision must come from the user and browser session that were asked
    if (!bu || bu.user.id !== pending.userId || bu.session.id !== pending.sessionId) {
      return renderError(reply, 400, 'This request has expired', 'You signed out or changed accounts. Go back to the application and start again.');
    }
    const client = await findClient(app, pending.clientId);
    if (!client || client.disabledAt || !redirectUriAllowed(client, pending.redirectUri)) {
      return renderError(reply, 400, 'This application is no longer available', 'The application that asked for access has been changed or removed.');
    }
    const actor = { actorId: bu.user.id, actorEmail: bu.user.email, targetType: 'client', targetId: client.id };
    if (request.body.decision !== 'allow') {
      await audit(request, { ...actor, action: 'consent.denied', details: { scope: pending.scope } });
      return redirectError(reply, app.config.issuer, { error: 'access_denied', description: 'the user denied the request', redirectUri: pending.redirectUri, state: pending.state });
    }
    await grantConsent(app, bu.user.id, client.id, pending.scope);
    await audit(request, { ...actor, action: 'consent.granted', details: { scope: pending.scope } });
    return issueCode(request, reply, bu, pending);
  });
};
