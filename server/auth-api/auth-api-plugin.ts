// The first-party JSON API under /auth (sign-in, refresh, me, sessions).
// Password, MFA, email and registration routes live with ACCOUNTS.
import type { FastifyInstance } from 'fastify';
import { loginRoutes } from './login-routes.ts';
import { meRoute } from './me-route.ts';
import { sessionRoutes } from './session-routes.ts';

export async function authApiPlugin(app: FastifyInstance): Promise<void> {
  await app.register(loginRoutes);
  await app.register(meRoute);
  await app.register(sessionRoutes);
}
