// Latchkey as a real process (server/main.ts, or the bundle with `args`) for the
// process, SIGTERM and several-instances tests: its own port, the given
// environment, its output.
import { spawn } from 'node:child_process';
import { freePort } from '../db/embedded-postgres.ts';

export interface ServerProcess {
  port: number;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** it logs at info level, so its own "ready" line can be awaited */
  logsReady: boolean;
}

export async function startServer(env: Record<string, string>, args = ['--import', 'tsx', 'server/main.ts'], command = process.execPath): Promise<ServerProcess> {
  const port = await freePort();
  let out = '';
  const fullEnv = { PATH: process.env.PATH!, NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: String(port), ARGON2_MEMORY_KIB: '4096', ARGON2_ITERATIONS: '1', ...env };
  const child = spawn(command, args, {
    env: fullEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => out,
    exited,
    logsReady: ['info', 'debug', 'trace'].includes(fullEnv.LOG_LEVEL),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

export async function waitReady(s: ServerProcess, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    // our own "ready" line first when it logs one: another test's server may have taken the port meanwhile
    const mine = !s.logsReady || s.output().includes('Latchkey ready at');
    const r = mine ? await fetch(`${s.url}/readyz`).catch(() => undefined) : undefined;
    if (r?.status === 200) return Date.now() - t0;
    const code = await Promise.race([s.exited, new Promise((r) => setTimeout(() => r('running'), 100))]);
    if (code !== 'running') throw new Error(`server exited (${code}):\n${s.output()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`not ready after ${timeoutMs} ms:\n${s.output()}`);
  }
}

export async function postJson(base: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text, json: () => JSON.parse(text) };
}
