// /auth/mfa/*: TOTP setup/enable/disable, recovery codes and the MFA step of
// an API sign-in (DESIGN §5). Setup and its friends act for the user of the
// Bearer token.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { HttpError, InvalidRequest } from '../http/errors.ts';
import { bearerUser } from './bearer-user.ts';
import { disableTotp, enableTotp, regenerateRecoveryCodes, setupTotp } from './totp-service.ts';
import { finishMfaLogin } from './finish-mfa-login.ts';
import { rateLimits } from '../security/rate-limit.ts';
import { TokenResponseSchema } from '../oauth/token/token-schemas.ts';

const Code = Type.String({ minLength: 1, maxLength: 20 });
const RecoveryCode = Type.String({ minLength: 1, maxLength: 40 });
const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() }, { additionalProperties: true });
const RecoveryCodes = Type.Object({ recovery_codes: Type.Array(Type.String(), { minItems: 10, maxItems: 10 }) });
const bearer = [{ bearer: [] }];
const errors = { 400: OAuthError, 401: OAuthError, 403: OAuthError, 409: OAuthError, 429: OAuthError };

export const mfaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/auth/mfa/totp/setup', {
    preHandler: app.authenticate,
    schema: {
      tags: ['mfa'], security: bearer,
      summary: 'Start TOTP setup: a new secret, its otpauth:// URI and a QR code (PNG data URL)',
      response: { 200: Type.Object({ secret: Type.String(), otpauth_uri: Type.String(), qr_code: Type.String() }), ...errors },
    },
  }, async (request) => setupTotp(app, await bearerUser(request)));

  app.post('/auth/mfa/totp/enable', {
    config: { rateLimit: rateLimits.mfa },
    preHandler: app.authenticate,
    schema: { tags: ['mfa'], security: bearer, summary: 'Turn TOTP on with a current code; returns 10 recovery codes (shown once)', body: Type.Object({ code: Code }), response: { 200: RecoveryCodes, ...errors } },
  }, async (request) => ({ recovery_codes: await enableTotp(app, await bearerUser(request), request.body.code, request.ip) }));

  app.post('/auth/mfa/totp/disable', {
    config: { rateLimit: rateLimits.mfa },
    preHandler: app.authenticate,
    schema: { tags: ['mfa'], security: bearer, summary: 'Turn TOTP off with a current code or a recovery code', body: Type.Object({ code: Type.Optional(Code), recovery_code: Type.Optional(RecoveryCode) }), response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    if (!request.body.code && !request.body.recovery_code) throw new InvalidRequest('code or recovery_code is required');
    await disableTotp(app, await bearerUser(request), { code: request.body.code, recoveryCode: request.body.recovery_code }, request.ip);
    return reply.status(204).send(null);
  });

  app.post('/auth/mfa/recovery-codes', {
    config: { rateLimit: rateLimits.mfa },
    preHandler: app.authenticate,
    schema: { tags: ['mfa'], security: bearer, summary: 'Replace every recovery code (needs a current TOTP code)', body: Type.Object({ code: Code }), response: { 200: RecoveryCodes, ...errors } },
  }, async (request) => ({ recovery_codes: await regenerateRecoveryCodes(app, await bearerUser(request), request.body.code, request.ip) }));

  app.post('/auth/mfa/verify', {
    config: { rateLimit: rateLimits.mfa },
    schema: {
      tags: ['mfa'],
      summary: 'Finish a sign-in that answered 403 mfa_required: mfa_token plus a TOTP code or a recovery code',
      body: Type.Object({ mfa_token: Type.String({ minLength: 1, maxLength: 200 }), code: Type.Optional(Code), recovery_code: Type.Optional(RecoveryCode) }),
      response: { 200: TokenResponseSchema, ...errors },
    },
  }, async (request, reply) => {
    const { mfa_token, code, recovery_code } = request.body;
    if (!code && !recovery_code) throw new InvalidRequest('code or recovery_code is required');
    const tokens = await finishMfaLogin(request, {
      mfaToken: mfa_token,
      factor: { code, recoveryCode: recovery_code },
      // the same status as a wrong password at /auth/login
      fail: (description, extra) => new HttpError(401, 'invalid_grant', description, extra),
    });
    reply.header('cache-control', 'no-store');
    return tokens;
  });
};
