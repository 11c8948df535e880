// Summarises a V8 .cpuprofile (from BENCH_PROFILE=1 → bench/profiles/*.cpuprofile):
// the functions with the most self time, and the project files with the most
// inclusive time. Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
const top = Number(process.argv[3] ?? 25);
const windowArg = process.argv[4] ?? '';
const [fromS, toS] = windowArg.includes('-') ? windowArg.split('-').map(Number) : [NaN, NaN];
const lastUs = windowArg.includes('-') ? 0 : Number(windowArg || 0) * 1e6;
if (!file) throw new Error('usage: bench/profile-summary.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const selfUs = new Map<number, number>();
const span = profile.timeDeltas.reduce((a, b) => a + b, 0);
let at = 0;
profile.samples.forEach((id, i) => {
  at += profile.timeDeltas[i] ?? 0;
  if (lastUs && at < span - lastUs) return;
  if (!Number.isNaN(fromS) && (at < fromS! * 1e6 || at > toS! * 1e6)) return;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/work\/main\//, '');
const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${short(n.callFrame.url)}${n.callFrame.url ? ':' + (n.callFrame.lineNumber + 1) : ''}`;

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
const byPackage = new Map<string, number>();
const packageOf = (url: string): string | undefined => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return undefined;
};
for (const [id, us] of selfUs) {
  const n = byId.get(id)!;
  self.set(label(n), (self.get(label(n)) ?? 0) + us);
  // inclusive time per project function (server/...), counted once per sample stack
  const seen = new Set<string>();
  const seenPkg = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const pkg = packageOf(byId.get(cur)!.callFrame.url);
    if (!pkg || seenPkg.has(pkg)) continue;
    seenPkg.add(pkg);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
  }
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const node = byId.get(cur)!;
    if (!node.callFrame.url.includes('/server/')) continue;
    const l = label(node);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + us);
  }
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const print = (title: string, m: Map<string, number>) => {
  console.log(`\n${title}`);
  for (const [l, us] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${l}`);
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print('self time (top functions)', self);
print('inclusive time (server/ functions)', inclusive);
print('inclusive time (packages, node internals)', byPackage);
