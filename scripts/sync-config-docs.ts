// Regenerates .env.example and the README configuration table from
// server/config/variables.ts, the one place every variable is documented.
//   node --import tsx scripts/sync-config-docs.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { variables } from '../server/config/variables.ts';

const example = [
  '# Latchkey configuration. Every variable is optional outside production; the',
  '# value shown is the default. See README.md "Configuration".',
  ...variables.flatMap((v) => ['', `# ${v.description}`, `${v.name}=${/[\s#"]/.test(v.default) ? JSON.stringify(v.default) : v.default}`]),
  '',
].join('\n');
writeFileSync('.env.example', example);

const table = [
  '| Variable | Default | Meaning |',
  '|---|---|---|',
  ...variables.map((v) => `| \`${v.name}\` | ${v.default ? `\`${v.default}\`` : '(empty)'} | ${v.description.replace(/\|/g, '\\|')} |`),
].join('\n');
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- config:start -->';
const end = '<!-- config:end -->';
const i = readme.indexOf(start);
const j = readme.indexOf(end);
if (i < 0 || j < i) throw new Error('README.md lacks the config markers');
writeFileSync('README.md', readme.slice(0, i + start.length) + '\n' + table + '\n' + readme.slice(j));
