// Starts Latchkey: configuration, services, the app, the port; and a graceful
// shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close
// Redis and Postgres, stop the embedded Postgres). A signal that arrives while
// Latchkey is still starting waits for the start to finish, then shuts down,
// so an embedded Postgres is never left running.
import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig, type Config } from './config/config.ts';
import { startRuntime, type Runtime } from './runtime.ts';
import { buildApp } from './app.ts';
import { loggerOptions } from './http/logger.ts';

const startedAt = process.hrtime.bigint();
let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`latchkey: configuration error: ${err.message}\n`);
  process.exit(1);
}

const log = pino(loggerOptions(config) as pino.LoggerOptions);
let runtime: Runtime | undefined;
let app: FastifyInstance | undefined;
let stopping = false;

async function start(): Promise<void> {
  runtime = await startRuntime(config, log);
  app = await buildApp(runtime.services, { logger: log });
  if (stopping) return;
  await app.listen({ port: config.port, host: config.host });
}
const starting = start();

async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, 15_000);
  try {
    await starting.catch(() => {});
    await app?.close();
    await runtime?.close();
    clearTimeout(force);
    log.info('stopped');
    process.exit(0);
  } catch (err) {
    log.error({ err }, 'error while shutting down');
    process.exit(1);
  }
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  await starting;
} catch (err) {
  log.fatal({ err }, 'could not start');
  await app?.close().catch(() => {});
  await runtime?.close().catch(() => {});
  process.exit(1);
}
if (!stopping) {
  const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
  log.info({ issuer: config.issuer, startup_ms: Math.round(ms) }, `Latchkey ready at ${config.issuer}`);
}
