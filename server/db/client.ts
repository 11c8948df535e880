// Prisma Client over node-postgres (the Rust-free client; no engine download),
// plus `db.sql` for the few hot statements of the token paths.
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { anyErrorLevel, type ErrorLevel } from './error-levels.ts';
import { PrismaClient } from './generated/client.ts';

export { Prisma } from './generated/client.ts';

/**
 * Hand-written hot statements (sign-in, refresh rotation, audit rows, the /auth/me profile, effective
 * access) straight on the pool Prisma uses: Prisma's query interpreter costs
 * a tenth of a millisecond of CPU per query, as much as the rest of a refresh
 * besides its signature. Each runs as a named prepared statement, planned
 * once per connection (the rotation spends as long in planning as in
 * execution otherwise); a name must always carry the same text.
 */
export interface Sql {
  query<T>(name: string, text: string, values: unknown[]): Promise<T[]>;
}

export type Db = PrismaClient & { sql: Sql };

export function createDb(databaseUrl: string, opts: { poolSize?: number } = {}): Db {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: opts.poolSize ?? 10,
    // bounded waits so an outage answers 503 quickly instead of hanging
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
  });
  // errors of idle connections (Postgres restarting) surface through the next query
  pool.on('error', () => {});
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  const sql: Sql = {
    async query<T>(name: string, text: string, values: unknown[]) {
      return (await pool.query({ name: `lks_${name}`, text, values })).rows as T[];
    },
  };
  return Object.assign(new PrismaClient({ adapter }), { sql });
}

// Prisma connection errors, socket errors, and the SQLSTATEs of a server that is
// shutting down, starting up, crashed or out of connections (class 08, 57P0x, 53300)
const UNAVAILABLE_CODES = ['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300', '08000', '08006', '08001', '08003', '08004'];

/** driver-adapter error kinds that mean the connection, not the query, failed */
const UNAVAILABLE_KINDS = ['ConnectionClosed', 'DatabaseNotReachable', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError'];

/**
 * True for errors that mean Postgres is unreachable (as opposed to a bad query):
 * the SQLSTATE (57P01 admin shutdown, 57P03 shutting down, ...), the adapter's
 * kind (ConnectionClosed, ...) or a connection message, on any level of the error.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  return anyErrorLevel(err, unreachable);
}

function unreachable(e: ErrorLevel): boolean {
  if (UNAVAILABLE_CODES.includes(String(e.code)) || UNAVAILABLE_CODES.includes(String(e.originalCode)) || UNAVAILABLE_KINDS.includes(String(e.kind))) return true;
  return /connect|connection|terminat|timeout|ECONNREFUSED|Connection terminated/i.test(e.message ?? '') && /DriverAdapterError|PrismaClient(Known|Unknown)RequestError|PrismaClientInitializationError|Error/.test(e.name ?? '') &&
    /ECONNREFUSED|ECONNRESET|Connection terminated|timeout exceeded when trying to connect|connect ETIMEDOUT|Can't reach database|server closed the connection|terminating connection due to administrator command|the database system is (shutting down|starting up)|encountered a connection error/i.test(e.message ?? '');
}
