// Starts Latchkey itself as a child process, the way an operator would
// (`sh scripts/start.sh`: the bundle and process settings `npm start` runs), against the benchmark's services.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../server/db/embedded-postgres.ts';
import { databasePoolSize } from '../../server/runtime.ts';
import { startChild, type ServerChild } from './child.ts';

export const root = path.resolve(import.meta.dirname, '../..');
export const ADMIN = { email: 'bench-admin@bench.example', password: 'bench-Admin-password-7f3k9q' };

export interface LatchkeyEnv {
  /** one public URL for every instance, as behind a load balancer (tokens carry it as `iss`) */
  ISSUER: string;
  DATABASE_URL: string;
  REDIS_URL: string;
  ENCRYPTION_KEY: string;
  /** the bench's PostgreSQL shares this machine's cores: sized as for the embedded one (README, Configuration) */
  DATABASE_POOL_SIZE: string;
}

export function latchkeyEnv(databaseUrl: string, redisUrl: string): LatchkeyEnv {
  return {
    ISSUER: 'http://localhost:8080',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_POOL_SIZE: String(databasePoolSize({}, true)),
  };
}

/** BENCH_PROFILE=1 writes a CPU profile per instance into bench/profiles (node refuses --cpu-prof in NODE_OPTIONS) */
function profileFlags(): string[] {
  return process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, 'bench/profiles')}`] : [];
}

/** diagnosis: BENCH_SERVER_ENV="K=V K2=V2" adds environment to every Latchkey child (e.g. NODE_OPTIONS, UV_THREADPOOL_SIZE) */
export function extraServerEnv(): Record<string, string> {
  const spec = process.env.BENCH_SERVER_ENV?.trim();
  if (!spec) return {};
  return Object.fromEntries(spec.split(/\s+/).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

export async function startLatchkey(name: string, env: Partial<LatchkeyEnv> & { DATA_DIR?: string }): Promise<ServerChild> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  return startChild({
    name,
    // exactly what `npm start` runs (after its build): the bundle with the measured process settings
    command: 'sh',
    args: ['scripts/start.sh', ...profileFlags()],
    cwd: root,
    url,
    readyPath: '/readyz',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ISSUER: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      RATE_LIMIT_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
      BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
      DATABASE_URL: '',
      REDIS_URL: '',
      ...extraServerEnv(),
      ...env,
    },
  });
}

/** Cold start with everything embedded (no DATABASE_URL, no REDIS_URL): first start (initdb) and a restart. */
export async function embeddedColdStarts(): Promise<{ firstMs: number; restartMs: number; firstCpuMs: number; restartCpuMs: number }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-bench-embedded-'));
  await chmod(dataDir, 0o755);
  const env = { DATA_DIR: dataDir, ENCRYPTION_KEY: randomBytes(32).toString('base64') };
  try {
    const first = await startLatchkey('latchkey (embedded, first start)', env);
    await first.stop();
    const again = await startLatchkey('latchkey (embedded, restart)', env);
    await again.stop();
    return { firstMs: first.coldStartMs, restartMs: again.coldStartMs, firstCpuMs: first.coldStartCpuMs, restartCpuMs: again.coldStartCpuMs };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
