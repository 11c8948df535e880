// /admin: the console's front page.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { fmt } from '../fmt.ts';
import { Html, pageRoute, renderAdmin } from '../page-kit.ts';
import { dashboardStats } from './dashboard-stats.ts';

export const dashboardPages: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { config: pageRoute, schema: { hide: true, response: { 200: Html } } }, async (req, reply) =>
    renderAdmin(req, reply, 'dashboard', 'dashboard', 'Dashboard', { stats: await dashboardStats(app), fmt }));
};
