// /account: profile, password, sessions, two-step verification, data export and
// account deletion, for the signed-in browser user. Every change is a POST form
// with a CSRF token that redirects back with a flash (or re-renders with errors
// next to the fields), so the page works without JavaScript.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfBody, verifyCsrf } from '../../browser/csrf.ts';
import { setFlash } from '../../browser/flash.ts';
import { endBrowserSession, requireBrowserUser, type BrowserUser } from '../../browser/browser-session.ts';
import { revokeSession } from '../../sessions/session-service.ts';
import { recordAudit } from '../../audit/audit.ts';
import { rateLimits } from '../../security/rate-limit.ts';
import { changePassword } from '../password-change.ts';
import { deleteOwnAccount } from '../account-deletion.ts';
import { exportAccount } from '../account-export.ts';
import { disableTotp, enableTotp, regenerateRecoveryCodes, removeTotp, setupTotp } from '../../mfa/totp-service.ts';
import { formErrors } from './form-errors.ts';
import { cleanDisplayName } from '../display-name.ts';
import { renderAccount, type AccountSection } from './account-view.ts';
import { userChanged } from '../user-profile.ts';

const Html = Type.String();
const S = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const responses = { 200: Html, 303: Type.Null(), 400: Html, 403: Html, 409: Html, 429: Html };
const page = { browser: true };
const signedIn = requireBrowserUser();
const bu = (request: FastifyRequest) => request.browserUser as BrowserUser;

function done(reply: FastifyReply, message: string, anchor = '') {
  setFlash(reply, 'success', message);
  return reply.redirect(`/account${anchor}`, 303);
}

/** Runs a change; a 4xx the person can fix re-renders /account with the errors in `section`. */
async function attempt(request: FastifyRequest, reply: FastifyReply, section: AccountSection, fallbackField: string, fn: () => Promise<FastifyReply | void>, values?: Record<string, string>) {
  try {
    return await fn();
  } catch (err) {
    const errors = formErrors(err, fallbackField);
    if (!errors) throw err;
    const status = (err as { statusCode: number }).statusCode;
    return renderAccount(request, reply, status === 401 ? 400 : status, { section, errors, values });
  }
}

export const accountPages: FastifyPluginAsyncTypebox = async (app) => {
  const post = { config: page, preValidation: verifyCsrf, preHandler: signedIn };

  app.get('/account', { config: page, preHandler: signedIn, schema: { hide: true, response: responses } }, async (request, reply) => renderAccount(request, reply, 200));

  app.post('/account/profile', { ...post, schema: { hide: true, body: Type.Object({ ...csrfBody, name: S(200) }), response: responses } }, async (request, reply) => {
    const { user } = bu(request);
    const checked = cleanDisplayName(request.body.name);
    if (!checked.ok) return renderAccount(request, reply, 400, { section: 'profile', errors: { summary: checked.message, fields: { name: checked.message } } });
    await app.db.user.update({ where: { id: user.id }, data: { name: checked.name } });
    await userChanged(app, user.id);
    await recordAudit(app, { action: 'user.profile_updated', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip: request.ip, details: { fields: ['name'] } });
    return done(reply, 'Your profile was saved.', '#profile');
  });

  app.post('/account/password', {
    ...post, config: { ...page, rateLimit: rateLimits.login },
    schema: { hide: true, body: Type.Object({ ...csrfBody, current_password: S(1024), new_password: S(1024), confirm_password: S(1024) }), response: responses },
  }, async (request, reply) => {
    const { user, session } = bu(request);
    const { current_password = '', new_password = '', confirm_password = '' } = request.body;
    if (new_password !== confirm_password) {
      return renderAccount(request, reply, 400, { section: 'password', errors: { summary: 'The two new passwords do not match.', fields: { confirm_password: 'Type the same new password twice.' } } });
    }
    return attempt(request, reply, 'password', 'current_password', async () => {
      await changePassword(app, { userId: user.id, sessionId: session.id, currentPassword: current_password, newPassword: new_password, ip: request.ip });
      return done(reply, 'Your password was changed. Your other sessions were signed out.', '#password');
    });
  });

  app.post('/account/sessions/:id/end', {
    ...post,
    schema: { hide: true, params: Type.Object({ id: Type.String({ format: 'uuid' }) }), body: Type.Object({ ...csrfBody }), response: responses },
  }, async (request, reply) => {
    const { user, session } = bu(request);
    if (request.params.id === session.id) {
      await endBrowserSession(request, reply, 'logout');
      setFlash(reply, 'info', 'You signed out of this browser.');
      return reply.redirect('/login', 303);
    }
    const target = await app.db.session.findFirst({ where: { id: request.params.id, userId: user.id } });
    if (target) await revokeSession(app, target.id, 'ended_by_user', { id: user.id, email: user.email, ip: request.ip });
    return done(reply, 'The session was ended.', '#sessions');
  });

  app.post('/account/totp/setup', { ...post, schema: { hide: true, body: Type.Object({ ...csrfBody }), response: responses } }, async (request, reply) =>
    attempt(request, reply, 'totp', 'code', async () => {
      await setupTotp(app, bu(request).user);
      return reply.redirect('/account#totp', 303);
    }),
  );

  app.post('/account/totp/cancel', { ...post, schema: { hide: true, body: Type.Object({ ...csrfBody }), response: responses } }, async (request, reply) => {
    const { user } = bu(request);
    const pending = await app.db.userMfa.findUnique({ where: { userId: user.id } });
    if (pending && !pending.enabledAt) await removeTotp(app, user.id);
    return reply.redirect('/account#totp', 303);
  });

  app.post('/account/totp/enable', {
    ...post, config: { ...page, rateLimit: rateLimits.mfa },
    schema: { hide: true, body: Type.Object({ ...csrfBody, code: S(20) }), response: responses },
  }, async (request, reply) =>
    attempt(request, reply, 'totp', 'code', async () => {
      const codes = await enableTotp(app, bu(request).user, (request.body.code ?? '').trim(), request.ip);
      return renderAccount(request, reply, 200, { section: 'totp', recoveryCodes: codes });
    }),
  );

  app.post('/account/totp/disable', {
    ...post, config: { ...page, rateLimit: rateLimits.mfa },
    schema: { hide: true, body: Type.Object({ ...csrfBody, code: S(20), recovery_code: S(40) }), response: responses },
  }, async (request, reply) =>
    attempt(request, reply, 'totp', 'disable_code', async () => {
      const code = request.body.code?.trim() || undefined;
      const recoveryCode = request.body.recovery_code?.trim() || undefined;
      if (!code && !recoveryCode) return renderAccount(request, reply, 400, { section: 'totp', errors: { fields: { disable_code: 'Enter a code from your app or a recovery code.' } } });
      await disableTotp(app, bu(request).user, { code, recoveryCode }, request.ip);
      return done(reply, 'Two-step verification is off.', '#totp');
    }),
  );

  app.post('/account/recovery-codes', {
    ...post, config: { ...page, rateLimit: rateLimits.mfa },
    schema: { hide: true, body: Type.Object({ ...csrfBody, code: S(20) }), response: responses },
  }, async (request, reply) =>
    attempt(request, reply, 'totp', 'regen_code', async () => {
      const codes = await regenerateRecoveryCodes(app, bu(request).user, (request.body.code ?? '').trim(), request.ip);
      return renderAccount(request, reply, 200, { section: 'totp', recoveryCodes: codes });
    }),
  );

  app.get('/account/export', { config: page, preHandler: signedIn, schema: { hide: true } }, async (request, reply) => {
    const { user } = bu(request);
    const data = await exportAccount(app, user.id);
    await recordAudit(app, { action: 'account.exported', actorId: user.id, actorEmail: user.email, targetType: 'user', targetId: user.id, ip: request.ip });
    return reply
      .type('application/json; charset=utf-8')
      .header('content-disposition', 'attachment; filename="latchkey-account.json"')
      .send(JSON.stringify(data, null, 2));
  });

  app.post('/account/delete', {
    ...post, config: { ...page, rateLimit: rateLimits.login },
    schema: { hide: true, body: Type.Object({ ...csrfBody, password: S(1024), confirm: S(10) }), response: responses },
  }, async (request, reply) => {
    if (request.body.confirm !== 'yes') {
      return renderAccount(request, reply, 400, { section: 'delete', errors: { fields: { confirm: 'Tick the box to confirm that you want to delete your account.' } } });
    }
    return attempt(request, reply, 'delete', 'delete_password', async () => {
      try {
        await deleteOwnAccount(app, bu(request).user.id, request.body.password ?? '', request.ip);
      } catch (err) {
        // the field on this form is `delete_password` (the page has several password fields)
        const e = err as { extra?: { details?: Array<{ field: string }> } };
        e.extra?.details?.forEach((d) => (d.field = 'body.delete_password'));
        throw err;
      }
      await endBrowserSession(request, reply, 'account_deleted');
      setFlash(reply, 'info', 'Your account was deleted. We are sorry to see you go.');
      return reply.redirect('/login', 303);
    });
  });
};
