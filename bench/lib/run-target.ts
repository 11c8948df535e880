// One target: prepare it and measure it (main.ts judges it, once its baseline
// has been measured on both sides); plus the optional diagnostics (CPU by thread, costliest SQL, CPU-profile window).
import type { BenchServices } from './services.ts';
import { topStatements } from './services.ts';
import type { ServerChild } from './child.ts';
import type { Prepared } from './prepare.ts';
import type { Target } from './targets.ts';
import { measure, type LoadResult, type LoadSpec } from './load.ts';
import { Skip } from './http.ts';
import type { Row } from './report.ts';

export interface TargetContext {
  services: BenchServices;
  server: ServerChild;
  prepared: Prepared;
  log(msg: string): void;
}

export interface TargetRun {
  row: Row;
  spec?: LoadSpec;
  result?: LoadResult;
}

const diagnose = {
  threads: process.env.BENCH_THREADS === '1',
  statements: process.env.BENCH_PG_STATEMENTS === '1',
  profile: process.env.BENCH_PROFILE === '1',
};

const µs = (ms: number | undefined) => (ms === undefined ? '?' : (ms * 1000).toFixed(1));

export async function runTarget(t: Target, ctx: TargetContext): Promise<TargetRun> {
  const { services, server, log } = ctx;
  log(`target: ${t.name}`);
  let spec: LoadSpec;
  let result: LoadResult;
  try {
    spec = { ...(await t.spec(ctx.prepared)), cpuMs: server.cpuMs, dbCpuMs: services.dbCpuMs };
    let threads0: Record<string, number> = {};
    const beforeMeasured = async () => {
      threads0 = server.threadCpuMs();
      if (diagnose.statements) await services.sql('SELECT pg_stat_statements_reset()');
    };
    result = await measure(spec, undefined, { beforeMeasured });
    if (diagnose.threads) {
      const threads1 = server.threadCpuMs();
      const per = Object.entries(threads1).map(([k, v]) => `${k} ${((v - (threads0[k] ?? 0)) / Math.max(1, result.total)).toFixed(2)}`);
      log(`  CPU ms/req by thread: ${per.join(', ')}`);
    }
  } catch (err) {
    if (!(err instanceof Skip)) log(`  ${t.name} failed: ${(err as Error).stack}`);
    const reason = err instanceof Skip ? err.message : `error: ${(err as Error).message.split('\n')[0]}`;
    return { row: { target: t.name, value: reason, goal: t.goal.text } };
  }
  log(`  ${result.rps.toFixed(0)}/s, p99 ${result.p99} ms, non-2xx ${result.non2xx + result.errors}, CPU ${µs(result.cpuMsPerReq)} µs/req (db ${µs(result.dbCpuMsPerReq)}, load ${µs(result.loadCpuMsPerReq)}), machine ${result.machineBusy === undefined ? '?' : Math.round(result.machineBusy * 100)} % busy; Latchkey RSS ${server.rssMb().toFixed(0)} MB`);
  if (diagnose.statements) log(`  top statements:\n${await topStatements(services, result.total)}`);
  if (diagnose.profile && result.window) {
    const [from, to] = result.window.map((at) => ((at - server.spawnedAt) / 1000).toFixed(1));
    log(`  profile window: node --import tsx bench/profile-summary.ts bench/profiles/CPU.*.${server.pid}.0.*.cpuprofile 30 ${from}-${to}`);
  }
  return { row: { target: t.name, conns: t.connections, result, goal: t.goal.text }, spec, result };
}
