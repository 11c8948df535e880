// What an idle spell costs a Latchkey's later requests. Per round and flag set
// (LATCHKEY_NODE_FLAGS; '' is scripts/start.sh's own), two processes answer the
// JWK Set (or TARGET): A started IDLE seconds earlier and sat idle, B started just
// now. Same machine moment, the order alternating per round, so the difference
// A − B in server CPU per request is the idle spell's doing, not the machine's.
// Usage: node --import tsx bench/experiments/idle-penalty.ts '<flags>' '<flags>'...
//   ROUNDS (default 6), IDLE (default 20 s), TARGET (default /oauth/jwks)
import { latchkeyEnv, startLatchkey } from '../lib/latchkey.ts';
import { runOnce } from '../lib/load.ts';
import { startServices } from '../lib/services.ts';
import type { ServerChild } from '../lib/child.ts';

const sets = process.argv.slice(2);
if (!sets.length) throw new Error("usage: node --import tsx bench/experiments/idle-penalty.ts '<flags>' '<flags>'...");
const target = process.env.TARGET ?? '/oauth/jwks';
const idleMs = Number(process.env.IDLE ?? 20) * 1000;

/** server CPU µs per request: 2 s of warm-up, then 3 s measured */
async function cost(server: ServerChild): Promise<number> {
  await runOnce({ url: server.url, path: target, connections: 32 }, 2);
  const cpu0 = server.cpuMs();
  const r = await runOnce({ url: server.url, path: target, connections: 32 }, 3);
  return ((server.cpuMs() - cpu0) * 1000) / r.total;
}

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
        console.log(`${(flags || "start.sh's").padEnd(64)} idle ${a.toFixed(1)} µs/req, fresh ${b.toFixed(1)} µs/req`);
      } finally {
        await idle.stop();
        await fresh?.stop();
      }
    }
  }
  console.log('\nidle − fresh, µs per request, each round:');
  for (const [flags, d] of penalties) console.log(`${(flags || "start.sh's").padEnd(64)} ${d.map((x) => x.toFixed(1)).join('  ')}`);
} finally {
  await services.stop();
}
