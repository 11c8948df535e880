// `npm run bench`: starts PostgreSQL, Redis and Latchkey (a child process),
// prepares data, measures the baselines and every target, and prints one table
// (also written to bench/RESULTS.md). Environment:
//   BENCH_DURATION=s        seconds per measured run (default 10)
//   BENCH_ONLY=a,b          only targets whose name contains one of these (development)
//   BENCH_CONNECTIONS=n     connections for non-password targets (default 32)
//   BENCH_PASSWORD_CONNECTIONS=n  for password targets (default 2 × cores)
//   BENCH_SKIP=a,b          leave out: baselines, embedded, scaling (development)
//   BENCH_PG_ASYNC_COMMIT=1 diagnosis only: synchronous_commit=off (is a target bound by WAL fsync?)
//   BENCH_PG_STATEMENTS=1   diagnosis only: pg_stat_statements; prints each target's costliest statements
//   BENCH_SERVER_ENV="K=V …" diagnosis only: extra environment for the Latchkey children
//   BENCH_THREADS=1         diagnosis only: server CPU per request by thread (main, libuv pool, GC…)
//   BENCH_WARMUP=S, BENCH_RATE=R  diagnosis only: a fixed warm-up (seconds); a fixed request rate (requests/s)
//   BENCH_PROFILE=1         --cpu-prof on the Latchkey children (bench/profiles)
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { startServices, type BenchServices } from './lib/services.ts';
import { embeddedColdStarts, latchkeyEnv, root, startLatchkey } from './lib/latchkey.ts';
import { LOGIN_USERS, addLoginUsers, addUsers, prepare } from './lib/prepare.ts';
import { argon2Floor, startBareFastify, startOidcProvider, type OidcProvider } from './lib/baselines.ts';
import { targets, CONNECTIONS, PASSWORD_CONNECTIONS, type Baselines } from './lib/targets.ts';
import { benchSeconds, measure, type LoadResult, type LoadSpec } from './lib/load.ts';
import { runTarget } from './lib/run-target.ts';
import { num, table, writeResults, type Row } from './lib/report.ts';
import type { ServerChild } from './lib/child.ts';
import { memoryBreakdown } from './lib/memory.ts';

const log = (msg: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const only = process.env.BENCH_ONLY?.toLowerCase();
const selected = targets.filter((t) => !only || only.split(',').some((o) => t.name.toLowerCase().includes(o.trim())));
const rows: Row[] = [];
const notes: string[] = [];
const stops: Array<() => Promise<void>> = [];
const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').map((s) => s.trim()).filter(Boolean));
const SCALING = ['client_credentials', '/auth/me'];
const RSS_GOAL_MB = 200;

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const start = (ms: number, cpuMs: number) => `${secs(ms)} (CPU ${secs(cpuMs)})`;

async function main() {
  const seconds = benchSeconds();
  log(`starting PostgreSQL and Redis (${seconds} s per target)`);
  const services: BenchServices = await startServices();
  stops.push(services.stop);
  if (process.env.BENCH_SERVER_ENV) notes.push(`DIAGNOSIS RUN: Latchkey started with ${process.env.BENCH_SERVER_ENV}.`);
  if (process.env.BENCH_PG_ASYNC_COMMIT === '1') {
    await services.sql('ALTER SYSTEM SET synchronous_commit = off');
    await services.sql('SELECT pg_reload_conf()');
    notes.push('DIAGNOSIS RUN: PostgreSQL synchronous_commit=off.');
  }

  log('cold start, embedded PostgreSQL + in-process store');
  const embedded = skip.has('embedded') ? undefined : await embeddedColdStarts();

  const env = latchkeyEnv(services.postgres.url, services.redis.url);
  log('starting Latchkey #1 (fresh database: migrations + seed)');
  const lk: ServerChild = await startLatchkey('latchkey #1', env);
  stops.push(lk.stop);
  const prepared = await prepare(lk.url, env);
  log(`prepared: client ${prepared.client ? 'yes' : prepared.clientSkip}, admin token ${prepared.adminToken ? 'yes' : prepared.tokenSkip}`);
  const usersMs = await addUsers(services);
  await addLoginUsers(services);
  log(`100,000 users inserted in ${secs(usersMs)}`);

  const b: Baselines = {};
  let oidc: OidcProvider | undefined;
  // Ratios use the mean of a baseline measured right before and right after
  // the target: the machine is shared, and its speed drifts over the minutes
  // of a run (a one-sided baseline once put the password targets at 0.75 ×).
  const measureBaseline: Partial<Record<keyof Baselines, () => Promise<number>>> = {};
  if (!skip.has('baselines')) {
    log('baseline: bare Fastify');
    const bare = await startBareFastify(services.dbCpuMs);
    stops.push(bare.stop);
    const bareFirst = await bare.measure();
    log('baseline: oidc-provider');
    const peer = (oidc = await startOidcProvider(services.dbCpuMs));
    stops.push(peer.stop);
    const cc = await peer.clientCredentials();
    const introspection = await peer.introspection();
    measureBaseline.bare = async () => (await bare.measure()).rps;
    measureBaseline.oidcClientCredentials = async () => (await peer.clientCredentials()).rps;
    measureBaseline.oidcIntrospection = async () => (await peer.introspection()).rps;
    measureBaseline.argon2 = argonFloor;
    rows.push(
      { target: 'baseline: bare Fastify GET /json', conns: CONNECTIONS, result: bareFirst },
      { target: 'baseline: oidc-provider client_credentials (JWT)', conns: CONNECTIONS, result: cc },
      { target: 'baseline: oidc-provider introspection (opaque)', conns: CONNECTIONS, result: introspection },
    );
  }

  const rssTrail = [`after start-up and preparation ${lk.rssMb().toFixed(0)} MB`];
  const measured = new Map<string, { spec: LoadSpec; result: LoadResult }>();
  let threadpool: number | undefined;
  const floors: Array<{ perSecond: number; cpuMsPerVerify: number }> = [];
  async function argonFloor(): Promise<number> {
    const argon = await argon2Floor();
    threadpool = argon.threadpool;
    floors.push(argon);
    return argon.perSecond;
  }
  // the last baseline measured, while nothing else has run since: it is the next target's "before"
  let fresh: { vs: keyof Baselines; rps: number } | undefined;
  const baselineNow = async (vs: keyof Baselines, why: string) => {
    log(`baseline ${vs}, ${why}`);
    const rps = await measureBaseline[vs]!();
    fresh = { vs, rps };
    return rps;
  };
  for (const t of selected) {
    const vs = t.goal.vs && measureBaseline[t.goal.vs] ? t.goal.vs : undefined;
    const before = vs && (fresh?.vs === vs ? fresh.rps : await baselineNow(vs, `before ${t.name}`));
    fresh = undefined;
    const { row, spec, result } = await runTarget(t, { services, server: lk, prepared, log });
    if (result) {
      const after = vs && before ? await baselineNow(vs, `after ${t.name}`) : undefined;
      if (vs && before && after) b[vs] = (before + after) / 2;
      const verdict = t.goal.evaluate(result, b);
      const digits = (after ?? 0) < 1000 ? 1 : 0;
      Object.assign(row, verdict, after ? { baseline: `${verdict.baseline} (${num(before!, digits)} before, ${num(after, digits)} after)` } : {});
    }
    rows.push(row);
    if (spec && result) {
      measured.set(t.name, { spec, result });
      rssTrail.push(`${t.name} ${lk.rssMb().toFixed(0)} MB`);
    }
  }
  if (floors.length) {
    const mean = (f: (x: (typeof floors)[number]) => number) => floors.reduce((a, x) => a + f(x), 0) / floors.length;
    rows.splice(0, 0, {
      target: 'baseline: argon2id verifications/s (m=19456,t=2,p=1)',
      conns: PASSWORD_CONNECTIONS,
      value: mean((x) => x.perSecond).toFixed(1),
      baseline: `CPU ${mean((x) => x.cpuMsPerVerify).toFixed(1)} ms/verify; ${floors.map((x) => x.perSecond.toFixed(1)).join(', ')}/s in turn`,
    });
  }
  const rss = lk.rssMb();
  const peak = lk.peakRssMb();
  const memory = await memoryBreakdown(lk.url, rss);
  log(`RSS trail: ${rssTrail.join('; ')}`);
  log(memory);
  // diagnosis: BENCH_IDLE_RSS=N samples RSS for N seconds of idleness (V8 shrinks its heap when idle);
  // with NODE_OPTIONS=--heapsnapshot-signal=SIGUSR2 in BENCH_SERVER_ENV, a heap snapshot is written at the end
  const idleSeconds = Number(process.env.BENCH_IDLE_RSS ?? 0);
  for (let s = 5; s <= idleSeconds; s += 5) {
    await new Promise((r) => setTimeout(r, 5000));
    log(`idle ${s} s: ${await memoryBreakdown(lk.url, lk.rssMb())}`);
  }
  if (process.env.BENCH_SERVER_ENV?.includes('heapsnapshot-signal=SIGUSR2')) {
    process.kill(lk.pid, 'SIGUSR2');
    await new Promise((r) => setTimeout(r, 20_000));
  }

  // Scaling: a second instance on the same Postgres and Redis; the load is split between the two.
  const scaled = [...measured.entries()].filter(([name]) => SCALING.some((s) => name.includes(s)));
  let lk2: ServerChild | undefined;
  if (scaled.length && !skip.has('scaling')) {
    log('starting Latchkey #2 (same Postgres and Redis)');
    lk2 = await startLatchkey('latchkey #2', env);
    stops.push(lk2.stop);
    for (const [name, { spec }] of scaled) {
      // one instance again, right before two, so the ratio compares like with like on a busy machine
      log(`scaling: ${name} on one instance, then on two`);
      const one = await measure(spec);
      const half = Math.ceil(spec.connections / 2);
      const two = await measure([
        { ...spec, connections: half },
        { ...spec, url: lk2.url, connections: half, cpuMs: lk2.cpuMs },
      ]);
      rows.push({ target: `${name} — 2 instances`, conns: half * 2, result: two, ratio: two.rps / one.rps, baseline: `1 instance (${one.rps.toFixed(0)}/s just before)` });
    }
  }

  rows.push(
    { target: 'Latchkey RSS after the run (peak)', value: `${rss.toFixed(0)} MB (${peak.toFixed(0)} MB)`, goal: `≤ ${RSS_GOAL_MB} MB`, pass: rss <= RSS_GOAL_MB, baseline: oidc ? `oidc-provider ${oidc.rssMb().toFixed(0)} MB (${oidc.peakRssMb().toFixed(0)} MB)` : undefined },
    { target: 'cold start, external services, fresh DB', value: start(lk.coldStartMs, lk.coldStartCpuMs), goal: '≤ 2 s', pass: lk.coldStartMs <= 2000 },
    ...(lk2 ? [{ target: 'cold start, external services, migrated DB', value: start(lk2.coldStartMs, lk2.coldStartCpuMs), goal: '≤ 2 s', pass: lk2.coldStartMs <= 2000 }] : []),
    ...(embedded
      ? [
          { target: 'cold start, embedded, first start (initdb)', value: start(embedded.firstMs, embedded.firstCpuMs), goal: '≤ 5 s', pass: embedded.firstMs <= 5000 },
          { target: 'cold start, embedded, restart', value: start(embedded.restartMs, embedded.restartCpuMs), goal: '≤ 5 s', pass: embedded.restartMs <= 5000 },
        ]
      : []),
  );
  notes.push(
    `Password targets sign in ${LOGIN_USERS} different users in turn (one hot account would queue every sign-in on one row).`,
    `Password targets run at ${PASSWORD_CONNECTIONS} connections, the same parallelism as the argon2id baseline, which runs under the same process settings (scripts/start.sh: libuv thread pool ${threadpool ?? '?'}, MALLOC_ARENA_MAX); every other target at ${CONNECTIONS}.`,
    'Ratios: each target is compared with the mean of its baseline measured right before and right after it (the "vs baseline" column; one measurement serves as the "after" of a target and the "before" of the next when nothing runs between them): the bare Fastify route and oidc-provider keep running, the argon2id floor runs around each password target. The baseline rows above are the first measurements (argon2id: the mean of all).',
    'Refresh rotation: every refresh token is used exactly once (a shared queue of fresh tokens; each answer puts its rotated successor back).',
    'oidc-provider issues JWT access tokens for client_credentials (resource indicator); it refuses to introspect JWTs, so its introspection baseline uses its opaque tokens.',
    `Latchkey RSS, in order: ${rssTrail.join('; ')}. After the run: ${memory}.`,
    `Cold start = spawn of \`node dist/main.mjs\` until /readyz answers 200; in brackets the CPU time the process used until then (the embedded first start also runs initdb in child processes, not counted). 100,000 extra users inserted in ${secs(usersMs)}.`,
  );
  return { services };
}

let services: BenchServices | undefined;
let failed = false;
try {
  ({ services } = await main());
} catch (err) {
  failed = true;
  log(`benchmark failed: ${(err as Error).stack}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
}
if (rows.length) {
  const out = table(rows);
  process.stdout.write('\n' + out + '\n\n');
  const diagnosis = ['BENCH_THREADS', 'BENCH_SERVER_ENV', 'BENCH_PG_ASYNC_COMMIT', 'BENCH_PG_STATEMENTS', 'BENCH_PROFILE', 'BENCH_WARMUP', 'BENCH_RATE'].some((k) => process.env[k]);
  if (!only && !failed && !skip.size && !diagnosis) {
    const oidcVersion = (JSON.parse(readFileSync(path.join(root, 'bench/peers/node_modules/oidc-provider/package.json'), 'utf8')) as { version: string }).version;
    await writeResults(path.join(root, 'bench/RESULTS.md'), {
      date: new Date().toISOString(),
      durationS: benchSeconds(),
      versions: { node: process.versions.node, postgres: services?.versions.postgres ?? '?', redis: services?.versions.redis ?? '?', oidcProvider: oidcVersion },
      notes,
    }, rows);
    log('wrote bench/RESULTS.md');
  }
}
process.exit(failed ? 1 : 0);
