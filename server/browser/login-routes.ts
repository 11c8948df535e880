// /login: Latchkey's own sign-in page (no JavaScript needed). The password is
// checked by TOKEN's verifyPasswordLogin (same answer and cost for unknown
// emails); with TOTP on, the flow continues at /mfa?flow=<id>.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifyPasswordLogin } from '../accounts/password-login.ts';
import { EmailNotVerified, HttpError, InvalidGrant } from '../http/errors.ts';
import { csrfBody, verifyCsrf } from './csrf.ts';
import { getBrowserUser } from './browser-session.ts';
import { createLoginFlow, finishBrowserLogin } from './login-flow.ts';
import { returnToOrDefault } from './return-to.ts';
import { clientNameForReturnTo } from './client-name.ts';
import { rateLimits } from '../security/rate-limit.ts';

const Html = Type.String({ description: 'HTML page' });
const LoginQuery = Type.Object({
  return_to: Type.Optional(Type.String({ maxLength: 4096 })),
  login_hint: Type.Optional(Type.String({ maxLength: 320 })),
  /** set by /oauth/authorize for prompt=login / max_age: ask again even when signed in */
  reauth: Type.Optional(Type.String({ maxLength: 1 })),
});
const LoginBody = Type.Object({
  ...csrfBody,
  email: Type.Optional(Type.String({ maxLength: 320 })),
  password: Type.Optional(Type.String({ maxLength: 1024 })),
  return_to: Type.Optional(Type.String({ maxLength: 4096 })),
});

interface FormState {
  returnTo: string;
  email?: string;
  reauth?: boolean;
  error?: string;
  errorLink?: { href: string; text: string };
  emailError?: string;
  passwordError?: string;
}

async function renderLogin(request: FastifyRequest, reply: FastifyReply, status: number, state: FormState) {
  const clientName = await clientNameForReturnTo(request.server, state.returnTo);
  return reply.code(status).type('text/html').view('login.eta', { title: state.reauth ? 'Confirm it’s you' : 'Sign in', clientName, ...state });
}

export const loginRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/login', {
    config: { browser: true },
    schema: { hide: true, querystring: LoginQuery, response: { 200: Html, 303: Type.Null() } },
  }, async (request, reply) => {
    const returnTo = returnToOrDefault(request.query.return_to, app.config.issuer);
    const reauth = request.query.reauth === '1';
    const current = await getBrowserUser(request);
    if (current && !reauth) return reply.redirect(returnTo, 303);
    return renderLogin(request, reply, 200, { returnTo, reauth, email: request.query.login_hint ?? (reauth ? current?.user.email : undefined) });
  });

  app.post('/login', {
    config: { browser: true, rateLimit: rateLimits.login },
    preValidation: verifyCsrf,
    schema: { hide: true, body: LoginBody, response: { 200: Html, 303: Type.Null(), 400: Html, 401: Html, 403: Html, 429: Html } },
  }, async (request, reply) => {
    const returnTo = returnToOrDefault(request.body.return_to, app.config.issuer);
    const email = (request.body.email ?? '').trim();
    const password = request.body.password ?? '';
    if (!email || !password) {
      return renderLogin(request, reply, 400, {
        returnTo, email,
        emailError: email ? undefined : 'Enter your email address.',
        passwordError: password ? undefined : 'Enter your password.',
      });
    }
    let user;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(email)) return renderLogin(request, reply, 401, { returnTo, email: '', error: 'Incorrect email or password.' });
    try {
      user = await verifyPasswordLogin(app, { email, password, ip: request.ip });
    } catch (err) {
      if (err instanceof InvalidGrant) {
        // one message for unknown email, wrong password and disabled account: no enumeration
        return renderLogin(request, reply, 401, { returnTo, email, error: 'Incorrect email or password.' });
      }
      if (err instanceof EmailNotVerified) {
        return renderLogin(request, reply, 403, { returnTo, email, error: 'Please verify your email address first: open the link we mailed you.', errorLink: { href: '/verify-email', text: 'Send a new verification link' } });
      }
      if (err instanceof HttpError && err.statusCode === 429) {
        return renderLogin(request, reply, 429, { returnTo, email, error: 'Too many attempts. Wait a few minutes and try again.' });
      }
      throw err;
    }
    if (user.mfaEnabled) {
      const flowId = await createLoginFlow(request, reply, { userId: user.id, returnTo, amr: ['pwd'] });
      return reply.redirect(`/mfa?flow=${encodeURIComponent(flowId)}`, 303);
    }
    await finishBrowserLogin(request, reply, { user, amr: ['pwd'], returnTo });
    return reply;
  });
};
