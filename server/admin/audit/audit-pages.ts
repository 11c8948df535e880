// /admin/audit: the audit log with filters, pagination and export links.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { InvalidRequest } from '../../http/errors.ts';
import { fmt, withQuery } from '../fmt.ts';
import { Html, pageRoute, renderAdmin, requirePage } from '../page-kit.ts';
import { listAudit } from './audit-query.ts';
import { auditExport } from './audit-export.ts';

// the form sends local datetime values (YYYY-MM-DDTHH:MM), read as UTC
const When = Type.Optional(Type.Union([Type.Literal(''), Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2})?(\\.\\d+)?Z?)?$' })]));
const Filter = {
  actor: Type.Optional(Type.String({ maxLength: 320 })),
  target_type: Type.Optional(Type.String({ maxLength: 64 })),
  target_id: Type.Optional(Type.String({ maxLength: 200 })),
  action: Type.Optional(Type.String({ maxLength: 100 })),
  from: When,
  to: When,
};
function iso(v?: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(/Z$/.test(v) ? v : v.length === 10 ? `${v}T00:00:00Z` : `${v}Z`);
  if (Number.isNaN(d.getTime())) throw new InvalidRequest(`${v} is not a valid time: use YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)`);
  return d.toISOString();
}
type F = { actor?: string; target_type?: string; target_id?: string; action?: string; from?: string; to?: string };
const toFilter = (q: F) => ({ actor: q.actor || undefined, target_type: q.target_type || undefined, target_id: q.target_id || undefined, action: q.action || undefined, from: iso(q.from), to: iso(q.to) });

export const auditPages: FastifyPluginAsyncTypebox = async (app) => {
  const read = requirePage('audit:read');

  app.get('/audit', { config: pageRoute, preHandler: read, schema: { hide: true, querystring: Type.Object({ ...Filter, page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }) }), response: { 200: Html } } }, async (req, reply) => {
    const { page, ...f } = req.query;
    const list = await listAudit(app, { ...toFilter(f), page, per_page: 50 });
    return renderAdmin(req, reply, 'audit', 'audit', 'Audit log', { list, filter: f, fmt, base: withQuery('/admin/audit', f), exportCsv: withQuery('/admin/audit/export', { ...f, format: 'csv' }), exportJson: withQuery('/admin/audit/export', { ...f, format: 'json' }) });
  });

  app.get('/audit/export', { config: pageRoute, preHandler: read, schema: { hide: true, querystring: Type.Object({ ...Filter, format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' }) }) } }, async (req, reply) => {
    const { format, ...f } = req.query;
    const stamp = new Date().toISOString().slice(0, 19).replace(/\D/g, '');
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="latchkey-audit-${stamp}.${format}"`);
    return reply.send(auditExport(app, toFilter(f), format));
  });
};
