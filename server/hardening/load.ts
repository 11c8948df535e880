// A small closed-loop load generator for the outage tests: a few workers fire
// the given requests round-robin until stopped, recording status and latency.
import { performance } from 'node:perf_hooks';

export interface Sample {
  name: string;
  /** HTTP status; -1 when the request itself threw (a crash, not an answer) */
  status: number;
  ms: number;
  /** ms since the load started, when the request began */
  at: number;
}

export interface Shot {
  name: string;
  run: () => Promise<{ status: number }>;
}

export function runLoad(shots: Shot[], workers = 4): { samples: Sample[]; stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  const t0 = performance.now();
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const shot = shots[n++ % shots.length]!;
      const at = performance.now() - t0;
      let status = -1;
      try {
        status = (await shot.run()).status;
      } catch {
        status = -1;
      }
      samples.push({ name: shot.name, status, ms: performance.now() - at - t0, at });
      await new Promise((r) => setTimeout(r, 5));
    }
  });
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** polls `probe` until it answers `status`; returns the ms it took */
export async function waitForStatus(probe: () => Promise<{ status: number }>, status: number, timeoutMs = 30_000): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const s = await probe().then((r) => r.status, () => -1);
    if (s === status) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`no ${status} within ${timeoutMs} ms (last ${s})`);
    await sleep(50);
  }
}
