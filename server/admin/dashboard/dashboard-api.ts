// /admin/api/dashboard: the console's numbers for scripts and monitors.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { adminRoute, errors } from '../api-schemas.ts';
import { dashboardStats, DashboardView } from './dashboard-stats.ts';

export const dashboardApi: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/dashboard', { schema: { ...adminRoute('dashboard', 'Counts and recent security events'), response: { 200: DashboardView, ...errors } } }, () => dashboardStats(app));
};
