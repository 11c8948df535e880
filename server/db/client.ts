// Prisma Client over node-postgres (the Rust-free client; no engine download).
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';

export type Db = PrismaClient;
export { Prisma } from './generated/client.ts';

export function createDb(databaseUrl: string, opts: { poolSize?: number } = {}): Db {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    // bounded waits so an outage answers 503 quickly instead of hanging
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
  });
  return new PrismaClient({ adapter });
}

/** True for errors that mean Postgres is unreachable (as opposed to a bad query). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; name?: string; message?: string; cause?: unknown } | undefined;
  if (!e) return false;
  if (['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003'].includes(String(e.code))) return true;
  if (/connect|connection|terminat|timeout|ECONNREFUSED|Connection terminated/i.test(e.message ?? '') && /DriverAdapterError|PrismaClient(Known|Unknown)RequestError|PrismaClientInitializationError|Error/.test(e.name ?? '')) {
    return /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|connect ETIMEDOUT|Can't reach database|server closed the connection|the database system is (shutting down|starting up)/i.test(e.message ?? '');
  }
  return e.cause ? isDatabaseUnavailable(e.cause) : false;
}
