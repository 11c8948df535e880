// A fingerprint of every table's rows (md5 of the rows in order), so a test can
// prove that a refused request changed nothing. audit_events is left out on
// purpose: refusals are audited.
import type { Db } from '../db/client.ts';

const IGNORED = new Set(['audit_events', '_prisma_migrations']);

export async function tableNames(db: Db): Promise<string[]> {
  const rows = await db.$queryRawUnsafe<Array<{ table_name: string }>>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name).filter((t) => !IGNORED.has(t));
}

export async function snapshot(db: Db, tables: string[]): Promise<Record<string, string>> {
  const sql = tables
    .map((t) => `SELECT '${t}' AS t, count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM "${t}" x`)
    .join(' UNION ALL ');
  const rows = await db.$queryRawUnsafe<Array<{ t: string; n: number; h: string }>>(sql);
  return Object.fromEntries(rows.map((r) => [r.t, `${r.n}:${r.h}`]));
}

/** the tables whose fingerprint differs */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return Object.keys(before).filter((t) => before[t] !== after[t]);
}
