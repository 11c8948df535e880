// Prisma's schema engine as WebAssembly (@prisma/schema-engine-wasm), loaded by
// hand because Node 20 cannot import .wasm modules. Prisma's native engine
// cannot be downloaded on these machines (FACTS.md); this one ships in npm.
// Used by `npm run cli -- migration create` and the schema drift test only.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

type Bindings = typeof import('@prisma/schema-engine-wasm');
export type SchemaEngine = Awaited<ReturnType<Bindings['SchemaEngine']['new']>>;

const require = createRequire(import.meta.url);
let bindings: Promise<Bindings> | undefined;

/** The engine reports a Rust panic here before it throws; keep it for the error message. */
export const lastPanic: { message?: string } = {};

function load(): Promise<Bindings> {
  bindings ??= (async () => {
    (globalThis as Record<string, unknown>).PRISMA_WASM_PANIC_REGISTRY = { set_message: (m: string) => (lastPanic.message = m) };
    const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
    const glue = (await import(path.join(dir, 'schema_engine_bg.js'))) as Bindings & { __wbg_set_wasm(w: unknown): void };
    const bytes = await readFile(path.join(dir, 'schema_engine_bg.wasm'));
    const imports = { './schema_engine_bg.js': glue as unknown as Record<string, unknown> };
    const { instance } = (await (globalThis as unknown as { WebAssembly: { instantiate(b: Buffer, i: object): Promise<{ instance: { exports: Record<string, unknown> } }> } }).WebAssembly.instantiate(bytes, imports));
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return bindings;
}

export const schemaFile = path.resolve('prisma/schema.prisma');
export const migrationsDir = path.resolve('prisma/migrations');

export async function openSchemaEngine(databaseUrl: string): Promise<SchemaEngine> {
  const { SchemaEngine } = await load();
  const content = await readFile(schemaFile, 'utf8');
  // the engine expects the error-capturing wrapper that Prisma's CLI puts around adapters
  const adapter = bindMigrationAwareSqlAdapterFactory(introspectionAdapter(databaseUrl));
  return SchemaEngine.new({ datamodels: [[schemaFile, content]] }, () => {}, adapter);
}

/**
 * The engine's introspection reads catalog columns of Postgres' one-byte "char"
 * type (pg_class.relkind, ...), which @prisma/adapter-pg 7.10 does not map and
 * refuses. The pool reports them as text so the adapter accepts them, and the
 * adapter wrapper hands them to the engine as the Character type it expects.
 * The engine runs its queries one at a time, so one "last result" slot is enough.
 */
const CHAR_OID = 18;
const TEXT_OID = 25;
const CHARACTER_COLUMN = 6; // ColumnTypeEnum.Character
let lastCharColumns: string[] = [];

class CharAsTextPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    const fix = (r: { fields?: Array<{ name: string; dataTypeID: number }> }) => {
      lastCharColumns = [];
      for (const f of r?.fields ?? []) {
        if (f.dataTypeID !== CHAR_OID) continue;
        f.dataTypeID = TEXT_OID;
        lastCharColumns.push(f.name);
      }
      return r;
    };
    return (result instanceof Promise ? result.then(fix) : result) as never;
  }
}

type Queryable = { queryRaw(q: unknown): Promise<{ columnNames: string[]; columnTypes: number[] }> };

function restoreCharColumns<T extends Queryable>(adapter: T): T {
  const queryRaw = adapter.queryRaw.bind(adapter);
  adapter.queryRaw = async (q) => {
    const r = await queryRaw(q);
    for (const name of lastCharColumns) {
      const i = r.columnNames.indexOf(name);
      if (i >= 0) r.columnTypes[i] = CHARACTER_COLUMN;
    }
    return r;
  };
  return adapter;
}

function introspectionAdapter(databaseUrl: string) {
  const factory = new PrismaPg(new CharAsTextPool({ connectionString: databaseUrl }));
  return {
    provider: factory.provider as 'postgres',
    adapterName: factory.adapterName,
    connect: async () => restoreCharColumns(await factory.connect()),
    connectToShadowDb: async () => restoreCharColumns(await factory.connectToShadowDb()),
  };
}

export const noFilters = { externalTables: [], externalEnums: [] };

/** SQL that turns `from` into the schema in prisma/schema.prisma ('' when they match). */
export async function diffToSchema(engine: SchemaEngine, from: Parameters<SchemaEngine['diff']>[0]['from']): Promise<string> {
  const content = await readFile(schemaFile, 'utf8');
  const result = await engine.diff({
    from,
    to: { tag: 'schemaDatamodel', files: [{ path: schemaFile, content }] },
    script: true,
    exitCode: null,
    filters: noFilters,
  });
  return result.stdout ?? '';
}
