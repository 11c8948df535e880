// Baseline (a): raw argon2id verifications per second at the configured
// parameters with P verifications always in flight on libuv's thread pool —
// the same parallelism the password targets get, and the same process settings
// (thread pool size, malloc arenas): it runs under scripts/start.sh like
// Latchkey. Prints one JSON line.
// Usage: ARGON2_FLOOR_PARALLELISM=P ARGON2_FLOOR_SECONDS=S LATCHKEY_ENTRY=bench/baselines/argon2-floor.ts sh scripts/start.sh --import tsx
import argon2 from 'argon2';

const parallelism = Number(process.env.ARGON2_FLOOR_PARALLELISM ?? 4);
const seconds = Number(process.env.ARGON2_FLOOR_SECONDS ?? 10);
const params = {
  type: argon2.argon2id as 2,
  memoryCost: Number(process.env.ARGON2_MEMORY_KIB ?? 19456),
  timeCost: Number(process.env.ARGON2_ITERATIONS ?? 2),
  parallelism: Number(process.env.ARGON2_PARALLELISM ?? 1),
};
const hash = await argon2.hash('correct horse battery staple', params);

async function loop(until: number): Promise<number> {
  let n = 0;
  while (performance.now() < until) {
    if (!(await argon2.verify(hash, 'correct horse battery staple'))) throw new Error('verify failed');
    n++;
    verified++;
  }
  return n;
}
async function run(ms: number): Promise<number> {
  verified = 0;
  const started = performance.now();
  const counts = await Promise.all(Array.from({ length: parallelism }, () => loop(started + ms)));
  return counts.reduce((a, b) => a + b, 0) / ((performance.now() - started) / 1000);
}

let verified = 0;
await run(Math.min(3000, seconds * 250)); // warm-up
const cpu0 = process.cpuUsage();
const perSecond = await run(seconds * 1000);
const cpu = process.cpuUsage(cpu0);
const cpuMsPerVerify = (cpu.user + cpu.system) / 1000 / verified;
process.stdout.write(JSON.stringify({ perSecond, cpuMsPerVerify, parallelism, params, threadpool: Number(process.env.UV_THREADPOOL_SIZE ?? 4) }) + '\n');
