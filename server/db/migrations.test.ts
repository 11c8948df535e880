// The migrations in prisma/migrations must produce exactly prisma/schema.prisma,
// and applying them must be safe when several instances start at once.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import { migrate, readMigrations } from './migrate.ts';
import { readFile } from 'node:fs/promises';
import { openSchemaEngine, diffToSchema, schemaFile } from './schema-engine.ts';

async function emptyDatabase(): Promise<string> {
  const adminUrl = process.env.TEST_ADMIN_DATABASE_URL!;
  const name = `m_${randomUUID().replace(/-/g, '')}`;
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.href;
}

/** SQL that would turn the live database at `url` into schema.prisma ('' when they match). */
async function drift(url: string): Promise<string> {
  const engine = await openSchemaEngine(url);
  // the engine's adapter is connected to `url`: diff that live database against schema.prisma
  const sql = await diffToSchema(engine, { tag: 'schemaDatasource', files: [{ path: schemaFile, content: await readFile(schemaFile, 'utf8') }], configDir: process.cwd() });
  return sql.replace(/-- This is an empty migration\.\s*/g, '').trim();
}

describe('database migrations', () => {
  it('applied to an empty database yield exactly schema.prisma (no drift)', async () => {
    const url = await emptyDatabase();
    const applied = await migrate(url);
    assert.deepEqual(applied, (await readMigrations()).map((m) => m.name));
    const sql = await drift(url);
    assert.equal(sql, '', `schema.prisma and the migrations differ; create a migration with \`npm run cli -- migration create NAME\`:\n${sql}`);
  });

  it('drift check notices a database that differs from schema.prisma', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('DROP INDEX "audit_events_at_idx"');
    await c.end();
    assert.match(await drift(url), /CREATE INDEX "audit_events_at_idx"/);
  });

  it('are recorded the way prisma migrate deploy records them', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query('SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name');
    await c.end();
    const files = await readMigrations();
    assert.deepEqual(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count]), files.map((m) => [m.name, m.checksum, 1]));
    assert.ok(rows.every((r) => r.finished_at instanceof Date));
  });

  it('run by five instances at once apply each migration exactly once', async () => {
    const url = await emptyDatabase();
    const results = await Promise.all(Array.from({ length: 5 }, () => migrate(url)));
    const names = (await readMigrations()).map((m) => m.name);
    assert.deepEqual(results.flat().sort(), names.sort());
  });

  it('refuse a migration edited after it was applied', async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`UPDATE _prisma_migrations SET checksum = 'x'`);
    await c.end();
    await assert.rejects(migrate(url), /was edited after it was applied/);
  });
});
