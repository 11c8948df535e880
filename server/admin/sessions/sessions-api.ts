// /admin/api/sessions: active sessions, filter by user or client, end one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePermission } from '../../auth/authenticate.ts';
import { apiActor } from '../actor.ts';
import { adminRoute, errors, IdParam } from '../api-schemas.ts';
import { listOf } from '../pagination.ts';
import { endSession, listSessions, SessionListQuery, SessionView } from './session-admin.ts';

export const sessionsApi: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/sessions', { preHandler: requirePermission('sessions:read'), schema: { ...adminRoute('sessions', 'List active sessions'), querystring: SessionListQuery, response: { 200: listOf(SessionView), ...errors } } }, (req) => listSessions(app, req.query));

  app.delete('/sessions/:id', { preHandler: requirePermission('sessions:write'), schema: { ...adminRoute('sessions', 'End a session: its tokens stop working at once'), params: IdParam, response: { 204: Type.Null(), ...errors } } }, async (req, reply) => {
    await endSession(app, await apiActor(req), req.params.id);
    return reply.status(204).send(null);
  });
};
