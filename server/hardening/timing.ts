// Timing-distribution comparison for the enumeration tests: interleaved samples
// of two request kinds (existing vs unknown email), compared by their medians.
import { performance } from 'node:perf_hooks';

export interface Comparison {
  known: number;
  unknown: number;
  /** median of the paired differences known_i - unknown_i, ms (pairs taken back to back cancel a busy neighbour's drift) */
  diff: number;
  samples: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** n samples of each, interleaved in random order so drift on a busy machine hits both alike */
export async function compareTimings(known: (i: number) => Promise<unknown>, unknown: (i: number) => Promise<unknown>, n = 40, warmup = 3): Promise<Comparison> {
  for (let i = 0; i < warmup; i++) {
    await known(-1 - i);
    await unknown(-1 - i);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n; i++) {
    if (Math.random() < 0.5) {
      a.push(await time(() => known(i)));
      b.push(await time(() => unknown(i)));
    } else {
      b.push(await time(() => unknown(i)));
      a.push(await time(() => known(i)));
    }
  }
  return { known: median(a), unknown: median(b), diff: median(a.map((x, i) => x - b[i]!)), samples: n };
}

/**
 * Runs the comparison up to `rounds` times and returns the first that passes
 * `ok`, else the last: a real leak fails every round, a noisy neighbour rarely
 * spoils all three.
 */
export async function stableComparison(run: () => Promise<Comparison>, ok: (c: Comparison) => boolean, rounds = 3): Promise<Comparison & { rounds: number }> {
  let last!: Comparison;
  for (let r = 1; r <= rounds; r++) {
    last = await run();
    if (ok(last)) return { ...last, rounds: r };
  }
  return { ...last, rounds };
}
