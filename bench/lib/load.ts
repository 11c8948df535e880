// One autocannon run (programmatic API): a warm-up that is thrown away, then
// the measured run. Throughput counts 2xx answers only, so a target that fails
// fast cannot look fast.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadSpec {
  url: string;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** per-request dynamic requests (rotating bodies); autocannon's `requests` */
  requests?: autocannon.Request[];
  /** called before each autocannon run (warm-up and measured) */
  beforeRun?: () => void;
  /** CPU ms used so far by the server under test (and, separately, by Postgres + Redis) */
  cpuMs?: () => number;
  dbCpuMs?: () => number;
  /** 2xx answers per run that are not the target (see rotation.ts) */
  primers?: number;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  total: number;
  /** server CPU per answered request, ms (noise-robust: independent of what else runs) */
  cpuMsPerReq?: number;
  /** Postgres + Redis CPU per answered request, ms */
  dbCpuMsPerReq?: number;
  /** the load generator's (this process's) CPU per answered request, ms */
  loadCpuMsPerReq?: number;
  /** share of all the machine's cores that were busy during the run (0–1, /proc/stat): near 1 means CPU-bound */
  machineBusy?: number;
  /** performance.now() at the start and end of the measured run */
  window?: [number, number];
}

export function runOnce(spec: LoadSpec, seconds: number): Promise<LoadResult> {
  spec.beforeRun?.();
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: spec.url + spec.path,
        method: spec.method ?? 'GET',
        headers: spec.headers,
        body: spec.body,
        connections: spec.connections,
        pipelining: 1,
        duration: seconds,
        timeout: 10,
        requests: spec.requests,
        // diagnosis only: a fixed request rate, to tell per-request cost from load-dependent cost
        ...(process.env.BENCH_RATE ? { overallRate: Number(process.env.BENCH_RATE) } : {}),
      },
      (err, r) => {
        if (err) return reject(err);
        const ok = Math.max(0, r['2xx'] - (spec.primers ?? 0));
        resolve({
          rps: ok / (r.duration || seconds),
          p50: r.latency.p50,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
          total: r.requests.total,
        });
      },
    );
  });
}

/** Several autocannon runs at once (one per instance); throughput summed, latency of the worst. */
export async function runParallel(specs: LoadSpec[], seconds: number): Promise<LoadResult> {
  const cpu = () => specs.reduce((a, s) => a + (s.cpuMs?.() ?? NaN), 0);
  const db = specs[0]?.dbCpuMs ?? (() => NaN);
  const [cpu0, db0, load0, machine0] = [cpu(), db(), process.cpuUsage(), machineTicks()];
  const started = performance.now();
  const all = await Promise.all(specs.map((s) => runOnce(s, seconds)));
  const window: [number, number] = [started, performance.now()];
  const [load, machine1] = [process.cpuUsage(load0), machineTicks()];
  const answered = all.reduce((a, r) => a + r.total, 0);
  const perReq = (ms: number) => (Number.isFinite(ms) && answered ? ms / answered : undefined);
  return {
    window,
    cpuMsPerReq: perReq(cpu() - cpu0),
    dbCpuMsPerReq: perReq(db() - db0),
    loadCpuMsPerReq: perReq((load.user + load.system) / 1000),
    machineBusy: (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total),
    rps: all.reduce((a, r) => a + r.rps, 0),
    p50: Math.max(...all.map((r) => r.p50)),
    p99: Math.max(...all.map((r) => r.p99)),
    non2xx: all.reduce((a, r) => a + r.non2xx, 0),
    errors: all.reduce((a, r) => a + r.errors, 0),
    total: all.reduce((a, r) => a + r.total, 0),
  };
}

/** clock ticks of all cores since boot (/proc/stat): busy ones and all of them */
function machineTicks(): { busy: number; total: number } {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy, total: busy + idle! + iowait! };
}

export const benchSeconds = (): number => {
  const v = Number(process.env.BENCH_DURATION ?? 10);
  if (!Number.isFinite(v) || v <= 0) throw new Error('BENCH_DURATION must be a positive number of seconds');
  return v;
};
export const warmupSeconds = (): number => Math.min(3, Math.max(1, benchSeconds() / 4));
/**
 * V8 optimises a function only after a few thousand calls. Targets at tens of
 * thousands of requests/s get there in the first second; the password targets
 * (~80/s) would still be compiling during the measured run: at a fixed 76/s,
 * a sign-in cost the main thread 1.18 ms after 3 s of warm-up and 0.72 ms
 * after 40 s (0.76 ms after 80 s). So the warm-up lasts at least this many requests.
 */
export const warmupRequests = 3000;

export async function measure(specs: LoadSpec | LoadSpec[], seconds = benchSeconds(), hooks: { beforeMeasured?: () => Promise<unknown> } = {}): Promise<LoadResult> {
  const list = Array.isArray(specs) ? specs : [specs];
  const fixed = Number(process.env.BENCH_WARMUP); // diagnosis: a fixed warm-up in seconds
  const warm = await runParallel(list, fixed || warmupSeconds());
  const missing = warmupRequests - warm.total;
  if (!fixed && missing > 0) await runParallel(list, Math.min(60, Math.ceil((missing * warmupSeconds()) / Math.max(1, warm.total))));
  await hooks.beforeMeasured?.();
  return runParallel(list, seconds);
}
