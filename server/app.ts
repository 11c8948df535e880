// Builds the Fastify app from encapsulated plugins. No port is opened here
// (main.ts does that), so tests build the app and call app.inject().
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import formbody from '@fastify/formbody';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Eta } from 'eta';
import type { Services } from './services.ts';
import { publicDir, viewsDir } from './paths.ts';
import { registerErrorHandling } from './http/error-handler.ts';
import { instrumentRequests } from './ops/metrics.ts';
import { opsRoutes } from './ops/routes.ts';
import { deriveKey } from './security/crypto.ts';
import { loggerOptions } from './http/logger.ts';
import { lazyChildLogger } from './http/request-logger.ts';
import { lazySchemas } from './http/lazy-schemas.ts';
import { requestId } from './http/request-id.ts';
import { FastPath, serverWithFastPath } from './http/fast-path.ts';
import { adminPlugin } from './admin/plugin.ts';
import { authPlugin } from './auth/authenticate.ts';
import { oauthPlugin } from './oauth/oauth-plugin.ts';
import { authApiPlugin } from './auth-api/auth-api-plugin.ts';
import { browserPlugin } from './browser/plugin.ts';
import { mailPlugin } from './mail/plugin.ts';
import { rateLimitPluginLatchkey } from './security/rate-limit.ts';
import { corsPlugin } from './security/cors.ts';
import { securityHeadersPlugin } from './security/security-headers.ts';
import { inputGuardPlugin } from './security/input-guard.ts';
import { frameworkErrors } from './security/framework-errors.ts';
import { accountRoutes } from './accounts/routes.ts';
import { mfaRoutes } from './mfa/routes.ts';
import { accountPagesPlugin } from './accounts/pages/index.ts';

export async function buildApp(services: Services, opts: { logger?: FastifyServerOptions['logger'] | FastifyBaseLogger } = {}): Promise<FastifyInstance> {
  const { config } = services;
  const schemas = lazySchemas();
  const fastPath = new FastPath();
  const app = Fastify({
    serverFactory: serverWithFastPath(fastPath),
    ...(opts.logger && 'child' in (opts.logger as object) ? { loggerInstance: opts.logger as FastifyBaseLogger } : { logger: (opts.logger as FastifyServerOptions['logger']) ?? loggerOptions(config) }),
    bodyLimit: config.bodyLimit,
    // a hop count is valid at run time though Fastify's types omit it
    trustProxy: config.trustProxy as boolean,
    childLoggerFactory: lazyChildLogger,
    genReqId: requestId,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    ajv: { customOptions: { removeAdditional: 'all', coerceTypes: 'array', useDefaults: true, allErrors: false } },
    schemaController: schemas.schemaController,
    forceCloseConnections: false,
    return503OnClosing: true,
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as FastifyInstance;

  for (const [name, value] of Object.entries(services)) app.decorate(name, value);
  app.decorate('compileAllSchemas', schemas.compileAll);
  app.decorate('fastPath', fastPath);
  app.addHook('onReady', async () => fastPath.open(app));
  app.addHook('preClose', async () => fastPath.close());

  registerErrorHandling(app);
  instrumentRequests(app, services.metrics);
  // first: its onRoute hook gives every route (docs and static files too) its headers and x-request-id
  await app.register(securityHeadersPlugin);

  await app.register(swagger, {
    openapi: {
      info: { title: 'Latchkey', version: '0.1.0', description: 'OAuth 2 / OpenID Connect identity server' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(formbody);
  await app.register(cookie, { secret: deriveKey(config.encryptionKey, 'cookie').toString('base64') });
  await app.register(fastifyStatic, { root: publicDir, prefix: '/public/', maxAge: '1h', index: false });
  await app.register(view, {
    engine: { eta: new Eta({ views: viewsDir, cache: config.env === 'production', autoEscape: true }) },
    root: viewsDir,
    defaultContext: { issuer: config.issuer },
  });

  // before every feature plugin: its onRoute hook attaches the limits routes ask for
  await app.register(rateLimitPluginLatchkey);
  await app.register(corsPlugin);
  await app.register(inputGuardPlugin);
  await app.register(opsRoutes);
  await app.register(authPlugin);
  // feature plugins register here, one line each
  await app.register(oauthPlugin);
  await app.register(authApiPlugin);
  await app.register(browserPlugin);
  await app.register(mailPlugin);
  await app.register(accountRoutes);
  await app.register(mfaRoutes);
  await app.register(accountPagesPlugin);
  // last: the console's pages rely on the page-context hook of the browser plugin
  await app.register(adminPlugin);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** compiles every route schema not compiled yet (they compile on a route's first request); returns how many */
    compileAllSchemas: () => number;
    /** documents answered before Fastify's router (http/fast-path.ts) */
    fastPath: FastPath;
  }
}
