// /admin/api/audit: the audit trail, filtered and paginated, and its export.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requirePermission } from '../../auth/authenticate.ts';
import { adminRoute, errors } from '../api-schemas.ts';
import { listOf } from '../pagination.ts';
import { AuditFilter, AuditListQuery, AuditView, listAudit } from './audit-query.ts';
import { auditExport } from './audit-export.ts';

const read = requirePermission('audit:read');

export const auditApi: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/audit', { preHandler: read, schema: { ...adminRoute('audit', 'List audit events, newest first'), querystring: AuditListQuery, response: { 200: listOf(AuditView), ...errors } } }, (req) => listAudit(app, req.query));

  app.get('/audit/export', {
    preHandler: read,
    schema: { ...adminRoute('audit', 'Export matching audit events as CSV or JSON'), querystring: Type.Composite([AuditFilter, Type.Object({ format: Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' }) })]), response: { 200: { content: { 'text/csv': { schema: Type.String() }, 'application/json': { schema: Type.Array(AuditView) } } }, ...errors } },
  }, async (req, reply) => {
    const { format, ...filter } = req.query;
    const stamp = new Date().toISOString().slice(0, 19).replace(/\D/g, '');
    reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="latchkey-audit-${stamp}.${format}"`);
    reply.header('cache-control', 'no-store');
    return reply.send(auditExport(app, filter, format) as never);
  });
};
