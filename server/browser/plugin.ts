// Latchkey's browser side: page context for every page, /login, /logout, and
// the browser endpoints of OAuth (/oauth/authorize with consent, /oauth/logout).
import type { FastifyInstance } from 'fastify';
import { pageContextPlugin } from './page-context.ts';
import { loginRoutes } from './login-routes.ts';
import { logoutRoutes } from './logout-routes.ts';
import { homeRoutes } from './home-routes.ts';
import { authorizeRoutes } from '../oauth/authorize-routes.ts';
import { oauthLogoutRoutes } from '../oauth/logout-routes.ts';

export async function browserPlugin(app: FastifyInstance): Promise<void> {
  await app.register(pageContextPlugin);
  await app.register(homeRoutes);
  await app.register(loginRoutes);
  await app.register(logoutRoutes);
  await app.register(authorizeRoutes);
  await app.register(oauthLogoutRoutes);
}
// root-level, so the page context hook reaches the pages of plugins registered after this one
(browserPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
