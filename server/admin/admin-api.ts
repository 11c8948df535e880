// /admin/api: the admin JSON API. One encapsulated scope whose every route
// needs a Bearer access token carrying admin:access (STYLE: scopes by audience,
// no URL-prefix exemptions); each route adds its own resource permission.
import type { FastifyPluginAsync } from 'fastify';
import { requirePermission } from '../auth/authenticate.ts';
import { refuseNul } from './refuse-nul.ts';
import { usersApi } from './users/users-api.ts';
import { rolesApi } from './roles/roles-api.ts';
import { permissionsApi } from './permissions/permissions-api.ts';
import { sessionsApi } from './sessions/sessions-api.ts';
import { clientsApi } from './clients/clients-api.ts';
import { auditApi } from './audit/audit-api.ts';
import { dashboardApi } from './dashboard/dashboard-api.ts';

export const adminApi: FastifyPluginAsync = async (app) => {
  app.addHook('onRequest', async (_req, reply) => {
    reply.header('cache-control', 'no-store');
  });
  app.addHook('preValidation', refuseNul);
  app.addHook('preHandler', app.authenticate);
  app.addHook('preHandler', requirePermission('admin:access'));
  for (const routes of [dashboardApi, usersApi, rolesApi, permissionsApi, sessionsApi, clientsApi, auditApi]) await app.register(routes);
};
