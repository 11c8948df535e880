// The admin console (/admin, server-rendered pages) and the admin JSON API
// (/admin/api). Both call the same services in this folder and in rbac/.
import type { FastifyInstance } from 'fastify';
import { adminApi } from './admin-api.ts';
import { adminPages } from './admin-pages.ts';

export async function adminPlugin(app: FastifyInstance): Promise<void> {
  await app.register(adminApi, { prefix: '/admin/api' });
  await app.register(adminPages, { prefix: '/admin' });
}
