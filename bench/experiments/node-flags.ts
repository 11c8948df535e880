// Server CPU per request of a fast-path answer (JWKS by default) for each set
// of V8 flags given, each trial in a fresh Latchkey process (scripts/start.sh
// with LATCHKEY_NODE_FLAGS): what one process costs is settled when it starts,
// so only many fresh processes, interleaved, tell flags apart on a shared
// machine. PostgreSQL and Redis start once.
// Usage: node --import tsx bench/experiments/node-flags.ts '<flags>' '<flags>'...
//   TRIALS (default 4) fresh processes per set; TARGET (default /oauth/jwks);
//   HISTORY=1: first 3,000 requests to each of a few Fastify routes (what a
//   process that has served other work has seen)
import autocannon from 'autocannon';
import { latchkeyEnv, startLatchkey } from '../lib/latchkey.ts';
import { startServices } from '../lib/services.ts';
import { flagSets, label, serverCpuPerRequest } from './flag-sets.ts';

const sets = flagSets('node-flags.ts');

/** Fastify routes, answered and refused: readiness (Postgres and Redis), the JWK Set with a query, a bad client, no token */
async function history(url: string): Promise<void> {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  for (const spec of [
    { path: '/readyz' },
    { path: '/oauth/jwks?fresh=1' },
    { path: '/oauth/token', method: 'POST' as const, headers: form, body: 'grant_type=client_credentials&client_id=nobody&client_secret=wrong' },
    { path: '/auth/me' },
  ]) {
    await new Promise<void>((resolve, reject) =>
      autocannon({ url: url + spec.path, method: spec.method ?? 'GET', headers: spec.headers, body: spec.body, connections: 8, amount: 3000 }, (err) => (err ? reject(err) : resolve())),
    );
  }
}

const target = process.env.TARGET ?? '/oauth/jwks';
const services = await startServices();
const env = latchkeyEnv(services.postgres.url, services.redis.url);
const perSet = new Map<string, number[]>(sets.map((s) => [s, []]));
try {
  for (let trial = 0; trial < Number(process.env.TRIALS ?? 4); trial++) {
    for (const flags of sets) {
      process.env.LATCHKEY_NODE_FLAGS = flags;
      const server = await startLatchkey('latchkey', env);
      try {
        if (process.env.HISTORY === '1') await history(server.url);
        const { us, rps, non2xx } = await serverCpuPerRequest(server, target);
        perSet.get(flags)!.push(us);
        console.log(`${label(flags)} ${Math.round(rps)}/s, ${us.toFixed(1)} µs/req, non-2xx ${non2xx}`);
      } finally {
        await server.stop();
      }
    }
  }
  console.log('\nµs per request, each trial, sorted:');
  for (const [flags, us] of perSet) console.log(`${label(flags)} ${us.sort((a, b) => a - b).map((x) => x.toFixed(1)).join('  ')}`);
} finally {
  await services.stop();
}
