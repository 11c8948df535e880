// GET /healthz (process up), GET /readyz (Postgres and Redis reachable), GET /metrics.
import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);

const Check = Type.Object({ status: Type.Union([Type.Literal('up'), Type.Literal('down')]), error: Type.Optional(Type.String()) });

export const opsRoutes: FastifyPluginAsync = async (app) => {
  app.get('/healthz', {
    schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } },
    logLevel: 'warn',
  }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', {
    schema: {
      tags: ['operations'],
      summary: 'Readiness: Postgres and Redis answer',
      response: {
        200: Type.Object({ status: Type.String(), checks: Type.Object({ database: Check, store: Check }) }),
        503: Type.Object({ status: Type.String(), error: Type.String(), error_description: Type.String(), checks: Type.Object({ database: Check, store: Check }) }),
      },
    },
    logLevel: 'warn',
  }, async (_request, reply) => {
    const check = async (fn: () => Promise<unknown>) => {
      try {
        await within(1500, fn());
        return { status: 'up' as const };
      } catch (err) {
        return { status: 'down' as const, error: (err as Error).message.split('\n')[0]!.slice(0, 200) };
      }
    };
    const [database, store] = await Promise.all([check(() => app.db.$queryRaw`SELECT 1`), check(() => app.store.ping())]);
    const checks = { database, store };
    const down = [database.status === 'down' && 'database (PostgreSQL)', store.status === 'down' && `store (${app.store.kind === 'redis' ? 'Redis' : 'memory'})`].filter(Boolean);
    if (down.length === 0) return { status: 'ready', checks };
    return reply.status(503).header('cache-control', 'no-store').send({ status: 'unavailable', error: 'temporarily_unavailable', error_description: `unavailable: ${down.join(', ')}`, checks });
  });

  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics', produces: ['text/plain'] }, logLevel: 'warn' }, async (_request, reply) => {
    reply.type(app.metrics.registry.contentType);
    return app.metrics.registry.metrics();
  });
};
