// Servers under test run as child processes, so their CPU, memory and start-up
// are their own: spawn, time until a readiness URL answers 200, read VmRSS
// from /proc, stop with SIGTERM (SIGKILL after a grace period).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ServerChild {
  name: string;
  url: string;
  pid: number;
  /** performance.now() at spawn (a CPU profile's time zero, near enough) */
  spawnedAt: number;
  /** spawn → readiness URL answered 200 */
  coldStartMs: number;
  /** CPU the process used until ready (robust against a busy machine, unlike coldStartMs) */
  coldStartCpuMs: number;
  rssMb(): number;
  cpuMs(): number;
  threadCpuMs(): Record<string, number>;
  /** peak resident set size so far (VmHWM) */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** user + system CPU time of a process (all its threads), in ms */
export function cpuMsOf(pid: number, file = `/proc/${pid}/stat`): number {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11], fields[12] = utime, stime (fields 14 and 15 of proc(5)), in clock ticks (100/s on Linux)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** CPU ms of a process's main (event-loop) thread and of its other threads (libuv pool, V8 GC/compiler) */
export function threadCpuMs(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        // every thread is called "node": tell the main (event-loop) thread from the rest
        const name = Number(tid) === pid ? 'main thread' : `other threads`;
        out[name] = (out[name] ?? 0) + cpuMsOf(Number(tid), `/proc/${pid}/task/${tid}/stat`);
      } catch {
        // thread ended
      }
    }
  } catch {
    // process ended
  }
  return out;
}

function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function readyWithin(url: string, child: ChildProcess, timeoutMs: number, tail: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode) throw new Error(`exited (${child.exitCode ?? child.signalCode}) before ready:\n${tail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready at ${url} after ${timeoutMs} ms:\n${tail()}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

export async function startChild(opts: {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  url: string;
  readyPath: string;
  cwd?: string;
  timeoutMs?: number;
}): Promise<ServerChild> {
  let output = '';
  const started = performance.now();
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd,
    env: opts.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(String(err))));
  const tail = () => output.split('\n').slice(-25).join('\n');
  try {
    await readyWithin(opts.url + opts.readyPath, child, opts.timeoutMs ?? 60_000, tail);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`${opts.name}: ${(err as Error).message}`);
  }
  const coldStartMs = performance.now() - started;
  const pid = child.pid!;
  const coldStartCpuMs = cpuMsOf(pid);
  return {
    name: opts.name,
    url: opts.url,
    pid,
    spawnedAt: started,
    coldStartMs,
    coldStartCpuMs,
    rssMb: () => statusField(pid, 'VmRSS'),
    cpuMs: () => cpuMsOf(pid),
    threadCpuMs: () => threadCpuMs(pid),
    peakRssMb: () => statusField(pid, 'VmHWM'),
    async stop() {
      if (child.exitCode !== null || child.signalCode) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
