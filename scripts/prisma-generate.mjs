// Runs `prisma generate` offline. Generation never starts the schema engine, but
// the CLI insists on finding one; Prisma's binary host is unreachable here, so
// point it at any existing file (see shared FACTS.md).
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const out = 'server/db/generated/client.ts';
const schema = 'prisma/schema.prisma';
if (existsSync(out) && statSync(out).mtimeMs >= statSync(schema).mtimeMs && !process.argv.includes('--force')) process.exit(0);

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const r = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
process.exit(r.status ?? 1);
