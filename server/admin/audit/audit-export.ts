// Audit export as CSV (RFC 4180) or JSON, streamed so a large log never sits in memory.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { iterateAudit, type AuditFilter, type AuditView } from './audit-query.ts';

const COLUMNS = ['id', 'at', 'actor_id', 'actor_email', 'action', 'target_type', 'target_id', 'ip', 'details'] as const;

/** RFC 4180 quoting; a leading = + - @ is defused so spreadsheets do not run it as a formula (CSV injection). */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (e: AuditView) => COLUMNS.map((c) => csvCell(e[c])).join(',') + '\r\n';

export function auditExport(app: FastifyInstance, filter: Partial<AuditFilter>, format: 'csv' | 'json'): Readable {
  async function* lines() {
    if (format === 'csv') {
      yield COLUMNS.join(',') + '\r\n';
      for await (const e of iterateAudit(app, filter)) yield csvRow(e);
      return;
    }
    let first = true;
    yield '[';
    for await (const e of iterateAudit(app, filter)) {
      yield (first ? '\n' : ',\n') + JSON.stringify(e);
      first = false;
    }
    yield '\n]\n';
  }
  return Readable.from(lines());
}
