// The three baselines, measured in the same run as Latchkey so ratios hold on
// a noisy machine: raw argon2id, a bare Fastify route, and oidc-provider.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { freePort } from '../../server/db/embedded-postgres.ts';
import { startChild, type ServerChild } from './child.ts';
import { benchSeconds, measure, type LoadResult } from './load.ts';
import { extraServerEnv, root } from './latchkey.ts';
import { basicAuth, call, form } from './http.ts';
import { CONNECTIONS, PASSWORD_CONNECTIONS } from './targets.ts';

const run = promisify(execFile);

export async function argon2Floor(): Promise<{ perSecond: number; parallelism: number; cpuMsPerVerify: number; threadpool: number }> {
  const env = { ...process.env, ...extraServerEnv(), LATCHKEY_ENTRY: 'bench/baselines/argon2-floor.ts', ARGON2_FLOOR_PARALLELISM: String(PASSWORD_CONNECTIONS), ARGON2_FLOOR_SECONDS: String(benchSeconds()) };
  const { stdout } = await run('sh', ['scripts/start.sh', '--import', 'tsx'], { cwd: root, env, timeout: 120_000 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { perSecond: number; parallelism: number; cpuMsPerVerify: number; threadpool: number };
}

export async function bareFastify(dbCpuMs: () => number): Promise<{ result: LoadResult; rssMb: number }> {
  const port = await freePort();
  const server = await startChild({
    name: 'bare Fastify',
    command: process.execPath,
    args: ['--import', 'tsx', 'bench/baselines/bare-fastify.ts'],
    cwd: root,
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    url: `http://127.0.0.1:${port}`,
    readyPath: '/healthz',
  });
  try {
    const result = await measure({ url: server.url, path: '/json', connections: CONNECTIONS, cpuMs: server.cpuMs, dbCpuMs });
    return { result, rssMb: server.rssMb() };
  } finally {
    await server.stop();
  }
}

const OIDC_CLIENT = { id: 'bench', secret: 'bench-secret-0123456789abcdef0123456789abcdef' };
const OIDC_RESOURCE = 'urn:latchkey-bench:api';

export interface OidcProviderResults {
  clientCredentials: LoadResult;
  introspection: LoadResult;
  rssMb: number;
  peakRssMb: number;
  coldStartMs: number;
}

export async function oidcProvider(dbCpuMs: () => number): Promise<OidcProviderResults> {
  const port = await freePort();
  const server: ServerChild = await startChild({
    name: 'oidc-provider',
    command: process.execPath,
    args: [path.join(root, 'bench/peers/oidc-provider-server.mjs')],
    cwd: path.join(root, 'bench/peers'),
    env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
    url: `http://127.0.0.1:${port}`,
    readyPath: '/.well-known/openid-configuration',
  });
  const auth = basicAuth(OIDC_CLIENT.id, OIDC_CLIENT.secret);
  const headers = { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' };
  try {
    // JWT access tokens (resource indicator → accessTokenFormat 'jwt'), like Latchkey's
    const ccBody = form({ grant_type: 'client_credentials', scope: 'api:read', resource: OIDC_RESOURCE });
    const probe = await call(server.url, '/token', { headers: { authorization: auth }, form: { grant_type: 'client_credentials', scope: 'api:read', resource: OIDC_RESOURCE } });
    if (probe.status !== 200 || typeof probe.body.access_token !== 'string' || probe.body.access_token.split('.').length !== 3) {
      throw new Error(`oidc-provider client_credentials probe failed: ${probe.status} ${JSON.stringify(probe.body)}`);
    }
    const clientCredentials = await measure({ url: server.url, path: '/token', method: 'POST', headers, body: ccBody, connections: CONNECTIONS, cpuMs: server.cpuMs, dbCpuMs });
    // oidc-provider refuses to introspect its JWT access tokens, so it introspects an opaque one
    const opaque = await call(server.url, '/token', { headers: { authorization: auth }, form: { grant_type: 'client_credentials', scope: 'api:read' } });
    const token = opaque.body.access_token as string;
    const check = await call(server.url, '/token/introspection', { headers: { authorization: auth }, form: { token } });
    if (check.body.active !== true) throw new Error(`oidc-provider introspection probe failed: ${JSON.stringify(check.body)}`);
    const introspection = await measure({ url: server.url, path: '/token/introspection', method: 'POST', headers, body: form({ token }), connections: CONNECTIONS, cpuMs: server.cpuMs, dbCpuMs });
    return { clientCredentials, introspection, rssMb: server.rssMb(), peakRssMb: server.peakRssMb(), coldStartMs: server.coldStartMs };
  } finally {
    await server.stop();
  }
}
