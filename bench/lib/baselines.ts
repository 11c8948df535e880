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

export interface BareFastify {
  measure(): Promise<LoadResult>;
  rssMb(): number;
  stop(): Promise<void>;
}

/** the framework ceiling, kept running so that it can be measured again right before each target compared with it */
export async function startBareFastify(dbCpuMs: () => number): Promise<BareFastify> {
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
  return {
    measure: () => measure({ url: server.url, path: '/json', connections: CONNECTIONS, cpuMs: server.cpuMs, dbCpuMs }),
    rssMb: server.rssMb,
    stop: server.stop,
  };
}

const OIDC_CLIENT = { id: 'bench', secret: 'bench-secret-0123456789abcdef0123456789abcdef' };
const OIDC_RESOURCE = 'urn:latchkey-bench:api';

export interface OidcProvider {
  clientCredentials(): Promise<LoadResult>;
  introspection(): Promise<LoadResult>;
  rssMb(): number;
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** panva's oidc-provider (JWT access tokens), kept running like the bare route; its endpoints are probed once */
export async function startOidcProvider(dbCpuMs: () => number): Promise<OidcProvider> {
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
    const probe = await call(server.url, '/token', { headers: { authorization: auth }, form: { grant_type: 'client_credentials', scope: 'api:read', resource: OIDC_RESOURCE } });
    if (probe.status !== 200 || typeof probe.body.access_token !== 'string' || probe.body.access_token.split('.').length !== 3) {
      throw new Error(`oidc-provider client_credentials probe failed: ${probe.status} ${JSON.stringify(probe.body)}`);
    }
    // oidc-provider refuses to introspect its JWT access tokens, so it introspects an opaque one
    const opaque = await call(server.url, '/token', { headers: { authorization: auth }, form: { grant_type: 'client_credentials', scope: 'api:read' } });
    const token = opaque.body.access_token as string;
    const check = await call(server.url, '/token/introspection', { headers: { authorization: auth }, form: { token } });
    if (check.body.active !== true) throw new Error(`oidc-provider introspection probe failed: ${JSON.stringify(check.body)}`);
    const ccBody = form({ grant_type: 'client_credentials', scope: 'api:read', resource: OIDC_RESOURCE });
    return {
      clientCredentials: () => measure({ url: server.url, path: '/token', method: 'POST', headers, body: ccBody, connections: CONNECTIONS, cpuMs: server.cpuMs, dbCpuMs }),
      introspection: () => measure({ url: server.url, path: '/token/introspection', method: 'POST', headers, body: form({ token }), connections: CONNECTIONS, cpuMs: server.cpuMs, dbCpuMs }),
      rssMb: server.rssMb,
      peakRssMb: server.peakRssMb,
      stop: server.stop,
    };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
