// The one results table (stdout and bench/RESULTS.md).
import { cpus, totalmem } from 'node:os';
import { writeFile } from 'node:fs/promises';
import type { LoadResult } from './load.ts';

export interface Row {
  target: string;
  conns?: number;
  result?: LoadResult;
  /** shown instead of req/s when there is no load result (skips, MB, seconds) */
  value?: string;
  baseline?: string;
  ratio?: number;
  goal?: string;
  pass?: boolean;
}

export const num = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

const ms = (v: number | undefined) => v?.toFixed(2) ?? '?';
const cpuCell = (r: LoadResult) =>
  `${ms(r.cpuMsPerReq)} + ${ms(r.dbCpuMsPerReq)} + ${ms(r.loadCpuMsPerReq)}${r.machineBusy === undefined ? '' : ` (${Math.round(r.machineBusy * 100)} %)`}`;

export function table(rows: Row[]): string {
  const head = ['target', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'CPU ms/req server + db + load (busy)', 'vs baseline', 'goal', 'result'];
  const lines = rows.map((r) => [
    r.target,
    r.conns ? String(r.conns) : '',
    r.result ? num(r.result.rps, r.result.rps < 100 ? 1 : 0) : (r.value ?? ''),
    r.result ? num(r.result.p50) : '',
    r.result ? num(r.result.p99) : '',
    r.result ? num(r.result.non2xx + r.result.errors) : '',
    r.result?.cpuMsPerReq !== undefined ? cpuCell(r.result) : '',
    r.ratio !== undefined ? `${r.ratio.toFixed(2)} × ${r.baseline}` : (r.baseline ?? ''),
    r.goal ?? '',
    r.pass === undefined ? '' : r.pass ? 'PASS' : 'FAIL',
  ]);
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [head, head.map(() => '---'), ...lines].map((cells) => `| ${cells.map(esc).join(' | ')} |`).join('\n');
}

export interface Environment {
  date: string;
  durationS: number;
  versions: { node: string; postgres: string; redis: string; oidcProvider: string };
  notes: string[];
}

export function machine(): string {
  const c = cpus();
  return `${c.length} cores (${c[0]?.model.trim() ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB RAM`;
}

export async function writeResults(file: string, env: Environment, rows: Row[]): Promise<void> {
  const md = `# Benchmark results

Written by \`npm run bench\` (bench/main.ts). Do not edit by hand.

- Date: ${env.date}
- Machine: ${machine()}, shared by Latchkey, PostgreSQL, Redis and the load generator
- Versions: Node ${env.versions.node}, PostgreSQL ${env.versions.postgres}, Redis ${env.versions.redis}, oidc-provider ${env.versions.oidcProvider}
- Each target: ${env.durationS} s measured after a warm-up, autocannon, pipelining 1; req/s counts 2xx answers only
- CPU ms/req: CPU time (user + system, /proc) that the server process, PostgreSQL + Redis together, and the load generator used during the measured run, divided by the answers; unlike req/s it hardly depends on what else the machine runs. In brackets: how busy all ${cpus().length} cores were (/proc/stat); near 100 % the target was bound by the machine's CPU

${table(rows)}

${env.notes.map((n) => `- ${n}`).join('\n')}
`;
  await writeFile(file, md);
}
