// /admin/sessions: every active session, filtered by user or client; end one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { verifyCsrf } from '../../browser/csrf.ts';
import { IdParam } from '../api-schemas.ts';
import { fmt, withQuery } from '../fmt.ts';
import { form, formAction, Html, pageActor, pageRoute, renderAdmin, requirePage } from '../page-kit.ts';
import { endSession, listSessions } from './session-admin.ts';

const Query = Type.Object({
  user_id: Type.Optional(Type.Union([Type.Literal(''), Type.String({ format: 'uuid' })])),
  client_id: Type.Optional(Type.String({ maxLength: 200 })),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
});
// only console pages are valid places to come back to after ending a session
const BACK = /^\/admin(\/[A-Za-z0-9/_-]*)?(\?[A-Za-z0-9=&_%.-]*)?$/;

export const sessionsPages: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/sessions', { config: pageRoute, preHandler: requirePage('sessions:read'), schema: { hide: true, querystring: Query, response: { 200: Html } } }, async (req, reply) => {
    const q = req.query;
    const list = await listSessions(app, { user_id: q.user_id || undefined, client_id: q.client_id || undefined, page: q.page, per_page: 50 });
    const clients = await app.db.client.findMany({ select: { id: true, name: true }, orderBy: { name: 'asc' } });
    return renderAdmin(req, reply, 'sessions', 'sessions', 'Sessions', { list, filter: q, clients, fmt, base: withQuery('/admin/sessions', q), back: withQuery('/admin/sessions', q) });
  });

  app.post('/sessions/:id/end', { config: pageRoute, preValidation: verifyCsrf, preHandler: requirePage('sessions:write'), schema: { hide: true, params: IdParam, body: form({ back: Type.Optional(Type.String({ maxLength: 500 })) }), response: { 303: Type.Null() } } }, async (req, reply) => {
    const back = req.body.back && BACK.test(req.body.back) ? req.body.back : '/admin/sessions';
    return formAction(reply, back, async () => {
      await endSession(app, pageActor(req), req.params.id);
      return 'Session ended; its tokens no longer work.';
    });
  });
};
