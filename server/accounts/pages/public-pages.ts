// Pages for people who are not signed in: /register, /verify-email,
// /forgot-password, /reset-password. Plain HTML forms (no JavaScript), CSRF
// on every POST, answers that never tell whether an address has an account.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { csrfBody, verifyCsrf } from '../../browser/csrf.ts';
import { setFlash } from '../../browser/flash.ts';
import { getBrowserUser } from '../../browser/browser-session.ts';
import { rateLimits } from '../../security/rate-limit.ts';
import { registerUser } from '../registration.ts';
import { confirmVerification, requestVerification } from '../verification.ts';
import { confirmPasswordReset, requestPasswordReset } from '../password-reset.ts';
import { peekEmailToken } from '../email-tokens.ts';
import { REGISTERED, RESET_SENT, VERIFICATION_SENT } from '../routes.ts';
import { formErrors, STRENGTH_LABELS, type FormErrors } from './form-errors.ts';

const Html = Type.String();
const page = { browser: true };
const Field = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const TokenQuery = Type.Object({ token: Field(200) });
const pageResponses = { 200: Html, 303: Type.Null(), 400: Html, 403: Html, 429: Html };

function render(reply: FastifyReply, status: number, view: string, data: Record<string, unknown>) {
  return reply.code(status).type('text/html').view(view, { strengthLabels: STRENGTH_LABELS, errors: { fields: {} } satisfies FormErrors, ...data });
}

export const publicPages: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/register', { config: page, schema: { hide: true, response: pageResponses } }, async (request, reply) => {
    if (await getBrowserUser(request)) return reply.redirect('/account', 303);
    return render(reply, 200, 'register.eta', { title: 'Create your account' });
  });

  app.post('/register', {
    config: { ...page, rateLimit: rateLimits.register },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object({ ...csrfBody, email: Field(320), name: Field(200), password: Field(1024), confirm_password: Field(1024) }), response: pageResponses },
  }, async (request, reply) => {
    const { email = '', name = '', password = '', confirm_password = '' } = request.body;
    const values = { email, name };
    if (password !== confirm_password) {
      return render(reply, 400, 'register.eta', { title: 'Create your account', values, errors: { summary: 'The two passwords do not match.', fields: { confirm_password: 'Type the same password twice.' } } });
    }
    try {
      await registerUser(app, { email, password, name: name || undefined }, request.ip);
    } catch (err) {
      const errors = formErrors(err, 'email');
      if (!errors) throw err;
      return render(reply, 400, 'register.eta', { title: 'Create your account', values, errors });
    }
    setFlash(reply, 'success', REGISTERED);
    return reply.redirect('/login', 303);
  });

  app.get('/verify-email', { config: page, schema: { hide: true, querystring: TokenQuery, response: pageResponses } }, async (request, reply) => {
    // the link only opens a page: mail scanners that prefetch links must not use the token up
    return render(reply, 200, 'verify-email.eta', { title: 'Confirm your email address', token: request.query.token ?? null });
  });

  app.post('/verify-email', {
    config: { ...page, rateLimit: rateLimits.verification },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object({ ...csrfBody, token: Field(200) }), response: pageResponses },
  }, async (request, reply) => {
    try {
      await confirmVerification(app, request.body.token ?? '', request.ip);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      return render(reply, 400, 'verify-email.eta', { title: 'Confirm your email address', token: null, errors: { ...errors, summary: 'This link is invalid, has expired or was already used. Ask for a new one below.' } });
    }
    setFlash(reply, 'success', 'Your email address is confirmed. You can sign in now.');
    return reply.redirect((await getBrowserUser(request)) ? '/account' : '/login', 303);
  });

  app.post('/verify-email/resend', {
    config: { ...page, rateLimit: rateLimits.verification },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object({ ...csrfBody, email: Field(320) }), response: pageResponses },
  }, async (request, reply) => {
    const email = (request.body.email ?? '').trim();
    if (!email) return render(reply, 400, 'verify-email.eta', { title: 'Confirm your email address', token: null, errors: { fields: { email: 'Enter your email address.' } } });
    await requestVerification(app, email, request.ip);
    setFlash(reply, 'info', VERIFICATION_SENT);
    return reply.redirect('/login', 303);
  });

  app.get('/forgot-password', { config: page, schema: { hide: true, response: pageResponses } }, async (_request, reply) =>
    render(reply, 200, 'forgot-password.eta', { title: 'Reset your password' }),
  );

  app.post('/forgot-password', {
    config: { ...page, rateLimit: rateLimits.passwordReset },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object({ ...csrfBody, email: Field(320) }), response: pageResponses },
  }, async (request, reply) => {
    const email = (request.body.email ?? '').trim();
    if (!email) return render(reply, 400, 'forgot-password.eta', { title: 'Reset your password', errors: { fields: { email: 'Enter your email address.' } } });
    await requestPasswordReset(app, email, request.ip);
    setFlash(reply, 'info', RESET_SENT);
    return reply.redirect('/login', 303);
  });

  app.get('/reset-password', { config: page, schema: { hide: true, querystring: TokenQuery, response: pageResponses } }, async (request, reply) => {
    const token = request.query.token ?? '';
    const row = await peekEmailToken(app, token, ['password_reset', 'invitation']).catch(() => null);
    if (!row) return render(reply, 400, 'reset-password.eta', { title: 'Reset your password', token: null });
    return render(reply, 200, 'reset-password.eta', { title: row.purpose === 'invitation' ? 'Choose your password' : 'Choose a new password', token, email: row.user.email });
  });

  app.post('/reset-password', {
    config: { ...page, rateLimit: rateLimits.passwordReset },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object({ ...csrfBody, token: Field(200), new_password: Field(1024), confirm_password: Field(1024) }), response: pageResponses },
  }, async (request, reply) => {
    const { token = '', new_password = '', confirm_password = '' } = request.body;
    const row = await peekEmailToken(app, token, ['password_reset', 'invitation']).catch(() => null);
    if (!row) return render(reply, 400, 'reset-password.eta', { title: 'Reset your password', token: null });
    const again = { title: 'Choose a new password', token, email: row.user.email };
    if (new_password !== confirm_password) {
      return render(reply, 400, 'reset-password.eta', { ...again, errors: { summary: 'The two passwords do not match.', fields: { confirm_password: 'Type the same password twice.' } } });
    }
    try {
      await confirmPasswordReset(app, token, new_password, request.ip);
    } catch (err) {
      const errors = formErrors(err, 'new_password');
      if (!errors) throw err;
      return render(reply, 400, 'reset-password.eta', { ...again, errors });
    }
    setFlash(reply, 'success', 'Your password was changed and every session was signed out. Sign in with your new password.');
    return reply.redirect('/login', 303);
  });
};
