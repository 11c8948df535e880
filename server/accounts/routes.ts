// First-party JSON API for accounts (DESIGN §5): registration, email
// verification, password reset and change. Answers never reveal whether an
// address has an account.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { registerUser } from './registration.ts';
import { confirmVerification, requestVerification } from './verification.ts';
import { confirmPasswordReset, requestPasswordReset } from './password-reset.ts';
import { MAX_LENGTH } from './password-policy.ts';
import { changePassword } from './password-change.ts';
import { bearerUser } from '../mfa/bearer-user.ts';
import { rateLimits } from '../security/rate-limit.ts';

const Email = Type.String({ minLength: 3, maxLength: 254 });
const Password = Type.String({ minLength: 1, maxLength: MAX_LENGTH * 4 });
const Token = Type.String({ minLength: 1, maxLength: 200 });
const Message = Type.Object({ message: Type.String() });
const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() }, { additionalProperties: true });

export const REGISTERED = 'If this address can be registered, we have sent a mail to it. Open the link in it to confirm your address.';
export const VERIFICATION_SENT = 'If this address has an unverified account, we have sent a new confirmation link to it.';
export const RESET_SENT = 'If this address has an account, we have sent a link to reset its password. It works for 1 hour.';

export const accountRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/auth/register', {
    config: { rateLimit: rateLimits.register },
    schema: {
      tags: ['accounts'],
      summary: 'Register (201 whether or not the email is taken; a mail says what happened)',
      body: Type.Object({ email: Email, password: Password, name: Type.Optional(Type.String({ maxLength: 200 })) }),
      response: { 201: Message, 400: OAuthError },
    },
  }, async (request, reply) => {
    await registerUser(app, request.body, request.ip);
    return reply.status(201).send({ message: REGISTERED });
  });

  app.post('/auth/email/verification/request', {
    config: { rateLimit: rateLimits.verification },
    schema: { tags: ['accounts'], summary: 'Send a new verification mail (202 for any address)', body: Type.Object({ email: Email }), response: { 202: Message, 400: OAuthError } },
  }, async (request, reply) => {
    await requestVerification(app, request.body.email, request.ip);
    return reply.status(202).send({ message: VERIFICATION_SENT });
  });

  app.post('/auth/email/verification/confirm', {
    config: { rateLimit: rateLimits.verification },
    schema: { tags: ['accounts'], summary: 'Confirm an email address with the mailed token', body: Type.Object({ token: Token }), response: { 204: Type.Null(), 400: OAuthError } },
  }, async (request, reply) => {
    await confirmVerification(app, request.body.token, request.ip);
    return reply.status(204).send(null);
  });

  app.post('/auth/password/reset/request', {
    config: { rateLimit: rateLimits.passwordReset },
    schema: { tags: ['accounts'], summary: 'Mail a password reset link (202 for any address, same timing)', body: Type.Object({ email: Email }), response: { 202: Message, 400: OAuthError } },
  }, async (request, reply) => {
    await requestPasswordReset(app, request.body.email, request.ip);
    return reply.status(202).send({ message: RESET_SENT });
  });

  app.post('/auth/password/reset/confirm', {
    config: { rateLimit: rateLimits.passwordReset },
    schema: {
      tags: ['accounts'],
      summary: 'Set a new password with the mailed token; every session ends',
      body: Type.Object({ token: Token, new_password: Password }),
      response: { 204: Type.Null(), 400: OAuthError },
    },
  }, async (request, reply) => {
    await confirmPasswordReset(app, request.body.token, request.body.new_password, request.ip);
    return reply.status(204).send(null);
  });

  app.post('/auth/password/change', {
    config: { rateLimit: rateLimits.login },
    preHandler: app.authenticate,
    schema: {
      tags: ['accounts'],
      security: [{ bearer: [] }],
      summary: 'Change the password (needs the current one); every other session ends',
      body: Type.Object({ current_password: Password, new_password: Password }),
      response: { 204: Type.Null(), 400: OAuthError, 401: OAuthError, 403: OAuthError },
    },
  }, async (request, reply) => {
    const user = await bearerUser(request);
    await changePassword(app, { userId: user.id, sessionId: request.auth!.sessionId, currentPassword: request.body.current_password, newPassword: request.body.new_password, ip: request.ip });
    return reply.status(204).send(null);
  });
};
