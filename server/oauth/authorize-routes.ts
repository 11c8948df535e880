// GET /oauth/authorize: authorization code + PKCE (RFC 6749 §4.1, RFC 7636,
// OIDC Core §3.1.2). The request reads as steps: validate the request, make
// sure the user is signed in (recently enough), settle consent, issue a code.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthorizeFatal, AuthorizeRedirectError, parseAuthorizeRequest, type AuthorizeRequest } from './authorize-request.ts';
import { redirectError } from './authorize-response.ts';
import { describeScopes, needsConsent, savePendingAuthorization } from './authorize-consent.ts';
import { issueCode } from './authorize-issue-code.ts';
import { userScopes } from './tokens/scopes.ts';
import { browserAccess, getBrowserUser } from '../browser/browser-session.ts';
import { renderError } from '../browser/render.ts';
import { allowFormActionTo } from '../browser/form-action.ts';
import { verifyIdTokenHint } from './id-token-hint.ts';
import { consentRoutes } from './authorize-consent-route.ts';

const Html = Type.String({ description: 'HTML page' });
const param = (description: string) => Type.Optional(Type.Unknown({ description }));
// Loose on purpose: a repeated or malformed parameter must become an OAuth error
// redirected to a valid client (RFC 6749 §4.1.2.1), not a schema 400.
const AuthorizeQuery = Type.Object({
  response_type: param('must be `code`'),
  client_id: param('the client'),
  redirect_uri: param('exactly one of the client’s registered redirect URIs'),
  scope: param('space-separated scopes'),
  state: param('returned unchanged'),
  code_challenge: param('PKCE S256 challenge (required)'),
  code_challenge_method: param('must be `S256`'),
  nonce: param('copied into the ID token'),
  prompt: param('none, login, consent or select_account'),
  max_age: param('seconds since the last sign-in after which the user must sign in again'),
  login_hint: param('email to prefill on the sign-in page'),
  response_mode: param('only `query`'),
  request: param('not supported'),
  request_uri: param('not supported'),
  id_token_hint: param('with prompt=none: the user the client expects to be signed in'),
});

/** /login URL that returns here; prompt=login and max_age are dropped from the way back, as the sign-in satisfies them. */
function loginRedirect(request: FastifyRequest, req: AuthorizeRequest, reauth: boolean): string {
  const back = new URL(request.url, request.server.config.issuer);
  back.searchParams.delete('max_age');
  const prompt = [...req.prompt].filter((p) => p !== 'login' && p !== 'select_account');
  if (prompt.length) back.searchParams.set('prompt', prompt.join(' '));
  else back.searchParams.delete('prompt');
  const login = new URLSearchParams({ return_to: back.pathname + back.search });
  if (reauth) login.set('reauth', '1');
  if (req.loginHint) login.set('login_hint', req.loginHint);
  return `/login?${login}`;
}

async function authorize(request: FastifyRequest, reply: FastifyReply, query: Record<string, unknown>) {
  const { issuer } = request.server.config;
  let req: AuthorizeRequest;
  try {
    req = await parseAuthorizeRequest(request.server, query);
  } catch (err) {
    if (err instanceof AuthorizeFatal) return renderError(reply, 400, 'This sign-in link is not valid', err.message);
    if (err instanceof AuthorizeRedirectError) return redirectError(reply, issuer, err);
    throw err;
  }
  const fail = (error: string, description: string) => redirectError(reply, issuer, { error, description, redirectUri: req.redirectUri, state: req.state });

  // 1. a signed-in user, recently enough (OIDC Core §3.1.2.1 prompt, max_age)
  const bu = await getBrowserUser(request);
  // OIDC Core §3.1.2.1: prompt=none for a user other than the one signed in here → login_required
  if (bu && req.prompt.has('none') && query.id_token_hint !== undefined) {
    const hint = await verifyIdTokenHint(request.server, query.id_token_hint);
    if (!hint || hint.sub !== bu.user.id) return fail('login_required', 'the signed-in user is not the one the client expected');
  }
  const tooOld = bu && req.maxAge !== undefined && bu.session.authTime.getTime() + req.maxAge * 1000 < Date.now();
  if (!bu || tooOld || req.prompt.has('login') || req.prompt.has('select_account')) {
    if (req.prompt.has('none')) return fail('login_required', 'the user must sign in');
    return reply.redirect(loginRedirect(request, req, Boolean(bu)), 303);
  }

  // 2. scopes the client may ask for and this user holds (RFC 6749 §3.3)
  let scope: string[];
  try {
    scope = userScopes(req.client, req.scope, (await browserAccess(request, bu.user.id)).permissions);
  } catch (err) {
    return fail('invalid_scope', (err as Error).message);
  }
  const p = { clientId: req.client.id, redirectUri: req.redirectUri, state: req.state, scope, codeChallenge: req.codeChallenge, nonce: req.nonce };

  // 3. consent: never for first-party clients; once per new scope for the others
  if (!req.client.firstParty && (req.prompt.has('consent') || (await needsConsent(request.server, bu.user.id, req.client.id, scope)))) {
    if (req.prompt.has('none')) return fail('consent_required', 'the user must approve this application');
    const consentId = await savePendingAuthorization(request.server, { ...p, userId: bu.user.id, sessionId: bu.session.id });
    allowFormActionTo(reply, req.redirectUri);
    return reply.type('text/html').view('consent.eta', {
      title: `Allow ${req.client.name}?`,
      clientName: req.client.name,
      email: bu.user.email,
      scopes: describeScopes(scope),
      consentId,
      redirectHost: new URL(req.redirectUri).host,
    });
  }

  // 4. the code (RFC 6749 §4.1.2), bound to client, redirect URI, PKCE challenge and this session
  return issueCode(request, reply, bu, p);
}

export const authorizeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(consentRoutes);
  app.get('/oauth/authorize', {
    config: { browser: true },
    schema: { tags: ['oauth'], summary: 'Authorization endpoint (code + PKCE S256)', querystring: AuthorizeQuery, response: { 200: Html, 303: Type.Null(), 400: Html } },
  }, async (request, reply) => authorize(request, reply, request.query as Record<string, unknown>));

  // OIDC Core §3.1.2.1: POST must work too. Turn it into the GET, so the
  // SameSite=Lax session cookie is sent and the login round trip has a URL.
  app.post('/oauth/authorize', {
    config: { browser: true },
    schema: { tags: ['oauth'], summary: 'Authorization endpoint (form post)', body: AuthorizeQuery, response: { 303: Type.Null() } },
  }, async (request, reply) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(request.body as Record<string, unknown>)) {
      for (const item of Array.isArray(v) ? v : [v]) if (typeof item === 'string') params.append(k, item);
    }
    return reply.redirect(`/oauth/authorize?${params}`, 303);
  });
};
