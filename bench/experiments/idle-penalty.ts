// What an idle spell costs a Latchkey's later requests. Per round and flag set
// (LATCHKEY_NODE_FLAGS; '' is scripts/start.sh's own), two processes answer the
// JWK Set (or TARGET): A started IDLE seconds earlier and sat idle, B started just
// now. Same machine moment, the order alternating per round, so the difference
// A − B in server CPU per request is the idle spell's doing, not the machine's.
// Usage: node --import tsx bench/experiments/idle-penalty.ts '<flags>' '<flags>'...
//   ROUNDS (default 6), IDLE (default 20 s), TARGET (default /oauth/jwks)
import { latchkeyEnv, startLatchkey } from '../lib/latchkey.ts';
import { startServices } from '../lib/services.ts';
import type { ServerChild } from '../lib/child.ts';
import { flagSets, label, serverCpuPerRequest } from './flag-sets.ts';

const sets = flagSets('idle-penalty.ts');
const target = process.env.TARGET ?? '/oauth/jwks';
const idleMs = Number(process.env.IDLE ?? 20) * 1000;
const cost = async (server: ServerChild) => (await serverCpuPerRequest(server, target)).us;

const services = await startServices();
const env = latchkeyEnv(services.postgres.url, services.redis.url);
const penalties = new Map<string, number[]>(sets.map((s) => [s, []]));
try {
  for (let round = 0; round < Number(process.env.ROUNDS ?? 6); round++) {
    for (const flags of sets) {
      process.env.LATCHKEY_NODE_FLAGS = flags;
      const idle = await startLatchkey('idle', env);
      let fresh: ServerChild | undefined;
      try {
        await new Promise((r) => setTimeout(r, idleMs));
        fresh = await startLatchkey('fresh', env);
        let a: number, b: number;
        if (round % 2) { a = await cost(idle); b = await cost(fresh); } else { b = await cost(fresh); a = await cost(idle); }
        penalties.get(flags)!.push(a - b);
        console.log(`${label(flags)} idle ${a.toFixed(1)} µs/req, fresh ${b.toFixed(1)} µs/req`);
      } finally {
        await idle.stop();
        await fresh?.stop();
      }
    }
  }
  console.log('\nidle − fresh, µs per request, each round:');
  for (const [flags, d] of penalties) console.log(`${label(flags)} ${d.map((x) => x.toFixed(1)).join('  ')}`);
} finally {
  await services.stop();
}
