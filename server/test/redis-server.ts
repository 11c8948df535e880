// Starts a real redis-server (Debian package) on a free loopback port, for the
// test suite and the benchmarks. scripts/ensure-deps.sh installs it when missing.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from '../db/embedded-postgres.ts';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  /** start again on the same port after stop() (outage tests) */
  restart(): Promise<void>;
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => (s.end(), resolve(true)));
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startRedisServer(port?: number): Promise<RedisServer> {
  const p = port ?? (await freePort());
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'], { stdio: 'ignore' });
    child.on('error', () => {});
    await waitForPort(p, 10_000);
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return; // already stopped (killed: exitCode stays null)
    const c = child;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await start();
  return { url: `redis://127.0.0.1:${p}`, port: p, stop, restart: start };
}
