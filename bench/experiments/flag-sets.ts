// What the flag experiments (node-flags.ts, idle-penalty.ts) share: the flag
// sets from the command line, and one measurement of a server's CPU per request.
import { runOnce } from '../lib/load.ts';
import type { ServerChild } from '../lib/child.ts';

/** the sets of LATCHKEY_NODE_FLAGS given as arguments ('' is scripts/start.sh's own) */
export function flagSets(script: string): string[] {
  const sets = process.argv.slice(2);
  if (!sets.length) throw new Error(`usage: node --import tsx bench/experiments/${script} '<flags>' '<flags>'...`);
  return sets;
}

export const label = (flags: string) => (flags || "start.sh's").padEnd(64);

/** `path` at 32 connections for 2 s of warm-up, then 3 s measured: the server's CPU µs per request */
export async function serverCpuPerRequest(server: ServerChild, path: string): Promise<{ us: number; rps: number; non2xx: number }> {
  await runOnce({ url: server.url, path, connections: 32 }, 2);
  const cpu0 = server.cpuMs();
  const r = await runOnce({ url: server.url, path, connections: 32 }, 3);
  return { us: ((server.cpuMs() - cpu0) * 1000) / r.total, rps: r.rps, non2xx: r.non2xx };
}
