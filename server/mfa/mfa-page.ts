// /mfa?flow=…: the second step of a browser sign-in. /login stored the flow
// (pending user, return_to) and sent the browser here; a TOTP code or a
// recovery code finishes it through BROWSER's finishBrowserLogin, which starts
// the session and goes back to where the sign-in started (/oauth/authorize…).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { csrfBody, verifyCsrf } from '../browser/csrf.ts';
import { setFlash } from '../browser/flash.ts';
import { finishBrowserLogin, getLoginFlow } from '../browser/login-flow.ts';
import { HttpError } from '../http/errors.ts';
import { rateLimits } from '../security/rate-limit.ts';
import { verifySecondFactor } from './totp-service.ts';

const Html = Type.String();
const Flow = Type.Optional(Type.String({ maxLength: 200 }));
const responses = { 200: Html, 303: Type.Null(), 400: Html, 429: Html };

function render(reply: FastifyReply, status: number, data: { flow: string; mode: 'code' | 'recovery'; error?: string }) {
  return reply.code(status).type('text/html').view('mfa.eta', { title: 'Two-step verification', ...data });
}

function expired(reply: FastifyReply) {
  setFlash(reply, 'error', 'Your sign-in took too long or was already finished. Please sign in again.');
  return reply.redirect('/login', 303);
}

export const mfaPage: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/mfa', {
    config: { browser: true },
    schema: { hide: true, querystring: Type.Object({ flow: Flow, method: Type.Optional(Type.String({ maxLength: 20 })) }), response: responses },
  }, async (request, reply) => {
    const flow = await getLoginFlow(request, reply, request.query.flow);
    if (!flow) return expired(reply);
    return render(reply, 200, { flow: flow.id, mode: request.query.method === 'recovery' ? 'recovery' : 'code' });
  });

  app.post('/mfa', {
    config: { browser: true, rateLimit: rateLimits.mfa },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object({ ...csrfBody, flow: Flow, code: Type.Optional(Type.String({ maxLength: 20 })), recovery_code: Type.Optional(Type.String({ maxLength: 40 })) }), response: responses },
  }, async (request, reply) => {
    const flow = await getLoginFlow(request, reply, request.body.flow);
    if (!flow) return expired(reply);
    const mode = request.body.recovery_code !== undefined ? 'recovery' : 'code';
    const user = await app.db.user.findUnique({ where: { id: flow.userId } });
    if (!user || user.disabledAt) return expired(reply);
    const code = request.body.code?.trim();
    const recoveryCode = request.body.recovery_code?.trim();
    if (!code && !recoveryCode) {
      return render(reply, 400, { flow: flow.id, mode, error: mode === 'code' ? 'Enter the 6-digit code from your authenticator app.' : 'Enter one of your recovery codes.' });
    }
    let method;
    try {
      method = await verifySecondFactor(app, user, { code, recoveryCode }, request.ip, { signIn: true });
    } catch (err) {
      if (err instanceof HttpError && err.statusCode === 429) return render(reply, 429, { flow: flow.id, mode, error: 'Too many wrong codes. Wait a few minutes and try again.' });
      if (err instanceof HttpError && err.code === 'invalid_grant') {
        return render(reply, 400, { flow: flow.id, mode, error: mode === 'code' ? 'That code is wrong or was already used. Wait for the next code and try again.' : 'That recovery code is wrong or was already used.' });
      }
      throw err;
    }
    await finishBrowserLogin(request, reply, { user, amr: [...flow.amr, method === 'otp' ? 'otp' : 'mfa'], flowId: flow.id });
    return reply;
  });
};
