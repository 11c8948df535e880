// What the app depends on, built once by main.ts (or a test fixture) and handed
// to buildApp(). Routes reach these through the Fastify instance decorators.
import type { Config } from './config/config.ts';
import type { Db } from './db/client.ts';
import type { Store } from './store/store.ts';
import type { Metrics } from './ops/metrics.ts';

export interface Services {
  config: Config;
  db: Db;
  store: Store;
  metrics: Metrics;
}

declare module 'fastify' {
  interface FastifyInstance extends Services {}
  interface FastifyContextConfig {
    /** errors on this route render an HTML page instead of JSON */
    browser?: boolean;
  }
}
