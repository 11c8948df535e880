// The signed-in user's own sessions and sign-out: POST /auth/logout,
// GET /auth/sessions, DELETE /auth/sessions/:id. Bearer-authenticated scope.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { revokeSession } from '../sessions/session-service.ts';
import { sessionFields } from '../sessions/session-view.ts';
import { markAccessTokenRevoked } from '../sessions/revocation-markers.ts';
import { Forbidden, NotFound } from '../http/errors.ts';
import { sha256 } from '../security/crypto.ts';
import { errors } from './schemas.ts';
import type { FastifyRequest } from 'fastify';

const SessionItem = Type.Object({ id: Type.String(), ...sessionFields, current: Type.Boolean() });

function userOf(request: FastifyRequest): string {
  if (!request.auth?.userId) throw new Forbidden('this token does not act for a user');
  return request.auth.userId;
}

export const sessionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.addHook('preHandler', app.authenticate);

  app.post('/auth/logout', {
    schema: {
      tags: ['auth'], summary: 'Sign out: end this session (and the one of refresh_token, if given)', security: [{ bearer: [] }],
      body: Type.Union([Type.Null(), Type.Object({ refresh_token: Type.Optional(Type.String({ maxLength: 512 })) })]),
      response: { 204: Type.Null(), ...errors },
    },
  }, async (request, reply) => {
    const auth = request.auth!;
    const actor = { id: auth.userId, ip: request.ip };
    if (auth.sessionId) await revokeSession(request.server, auth.sessionId, 'logout', actor);
    else await markAccessTokenRevoked(request.server, auth.jti, auth.exp);
    const rt = (request.body as { refresh_token?: string } | null)?.refresh_token;
    if (rt && auth.userId) {
      const row = await request.server.db.refreshToken.findUnique({ where: { tokenHash: sha256(rt) }, select: { sessionId: true, session: { select: { userId: true } } } });
      // only the caller's own sessions: a stranger's token ends nothing
      if (row && row.session.userId === auth.userId && row.sessionId !== auth.sessionId) await revokeSession(request.server, row.sessionId, 'logout', actor);
    }
    return reply.status(204).send(null);
  });

  app.get('/auth/sessions', {
    schema: { tags: ['auth'], summary: 'My active sessions', security: [{ bearer: [] }], response: { 200: Type.Object({ items: Type.Array(SessionItem) }), ...errors } },
  }, async (request) => {
    const userId = userOf(request);
    const rows = await request.server.db.session.findMany({
      where: { userId, revokedAt: null, expiresAt: { gt: new Date() } },
      include: { client: { select: { name: true } } },
      orderBy: { lastUsedAt: 'desc' },
      take: 200,
    });
    return {
      items: rows.map((s) => ({
        id: s.id, client_id: s.clientId, client_name: s.client.name, amr: s.amr, ip: s.ip, user_agent: s.userAgent,
        created_at: s.createdAt.toISOString(), last_used_at: s.lastUsedAt.toISOString(), expires_at: s.expiresAt.toISOString(),
        current: s.id === request.auth!.sessionId,
      })),
    };
  });

  app.delete('/auth/sessions/:id', {
    schema: { tags: ['auth'], summary: 'End one of my sessions', security: [{ bearer: [] }], params: Type.Object({ id: Type.String({ format: 'uuid' }) }), response: { 204: Type.Null(), ...errors } },
  }, async (request, reply) => {
    const userId = userOf(request);
    const session = await request.server.db.session.findFirst({ where: { id: request.params.id, userId, revokedAt: null }, select: { id: true } });
    // someone else's session is as unknown as a missing one
    if (!session) throw new NotFound('no such session');
    await revokeSession(request.server, session.id, 'user.ended_session', { id: userId, ip: request.ip });
    return reply.status(204).send(null);
  });
};
