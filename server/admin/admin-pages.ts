// /admin: the console's pages. One encapsulated scope: every page needs a
// signed-in browser user with admin:access (anonymous browsers go to /login and
// come back); each page and form adds its section's permission, and every form
// carries a CSRF token (verifyCsrf).
import type { FastifyPluginAsync } from 'fastify';
import { requireBrowserUser } from '../browser/browser-session.ts';
import { refuseNul } from './refuse-nul.ts';
import { dashboardPages } from './dashboard/dashboard-pages.ts';
import { usersPages } from './users/users-pages.ts';
import { rolesPages } from './roles/roles-pages.ts';
import { permissionsPages } from './permissions/permissions-pages.ts';
import { sessionsPages } from './sessions/sessions-pages.ts';
import { clientsPages } from './clients/clients-pages.ts';
import { auditPages } from './audit/audit-pages.ts';

export const adminPages: FastifyPluginAsync = async (app) => {
  app.addHook('preValidation', refuseNul);
  app.addHook('preHandler', requireBrowserUser('admin:access'));
  for (const pages of [dashboardPages, usersPages, rolesPages, permissionsPages, sessionsPages, clientsPages, auditPages]) await app.register(pages);
};
