// `migration create NAME`: applies the existing migrations to a scratch
// database, diffs it against schema.prisma with Prisma's schema engine and
// writes the difference as a new migration in Prisma's layout.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { migrate, migrationsDir } from '../db/migrate.ts';
import { diffToSchema, openSchemaEngine, schemaFile } from '../db/schema-engine.ts';

export async function createMigration(scratchUrl: string, name: string) {
  await migrate(scratchUrl);
  const engine = await openSchemaEngine(scratchUrl);
  const sql = await diffToSchema(engine, { tag: 'schemaDatasource', files: [{ path: schemaFile, content: await readFile(schemaFile, 'utf8') }], configDir: process.cwd() });
  if (!sql.trim() || /^-- This is an empty migration\.\s*$/.test(sql)) return { created: null, reason: 'schema.prisma matches the migrations' };
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14);
  const dir = path.join(migrationsDir, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql);
  return { created: path.relative(process.cwd(), dir) };
}
