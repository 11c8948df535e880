// Starts Latchkey: configuration, services, the app, the port; and a graceful
// shutdown on SIGTERM/SIGINT (stop accepting, finish in-flight requests, close
// Redis and Postgres, stop the embedded Postgres).
import pino from 'pino';
import { ConfigError, loadConfig } from './config/config.ts';
import { startRuntime } from './runtime.ts';
import { buildApp } from './app.ts';
import { loggerOptions } from './http/logger.ts';

const startedAt = process.hrtime.bigint();
let config;
try {
  config = loadConfig();
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`latchkey: configuration error: ${err.message}\n`);
  process.exit(1);
}

const log = pino(loggerOptions(config) as pino.LoggerOptions);
let runtime;
try {
  runtime = await startRuntime(config, log);
} catch (err) {
  log.fatal({ err }, 'could not start');
  process.exit(1);
}
const app = await buildApp(runtime.services, { logger: log });

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting');
    process.exit(1);
  }, 15_000);
  try {
    await app.close();
    await runtime!.close();
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
  await app.listen({ port: config.port, host: config.host });
} catch (err) {
  log.fatal({ err }, 'could not listen');
  await runtime.close();
  process.exit(1);
}
const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
log.info({ issuer: config.issuer, startup_ms: Math.round(ms) }, `Latchkey ready at ${config.issuer}`);
