// Permissions are `resource:action` strings. Deleting one that roles still
// hold is refused unless the caller asks to cascade (then it leaves those roles).
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Prisma } from '../db/client.ts';
import { Conflict, NotFound } from '../http/errors.ts';
import { auditAdmin, type Actor } from '../admin/actor.ts';
import { pageArgs, type Page } from '../admin/pagination.ts';
import { withAdminGuard } from './admin-guard.ts';
import { isUniqueViolation } from './unique-violation.ts';

/** resource:action, lower case; the action may be `*`-free words joined by . _ - */
export const PERMISSION_NAME = '^[a-z][a-z0-9_-]{0,49}:[a-z][a-z0-9_.-]{0,49}$';

export const PermissionView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  built_in: Type.Boolean(),
  roles: Type.Array(Type.String(), { description: 'roles holding this permission directly' }),
  created_at: Type.String({ format: 'date-time' }),
});
export type PermissionView = Static<typeof PermissionView>;

type Row = Prisma.PermissionGetPayload<{ include: { roles: { select: { role: { select: { name: true } } } } } }>;
const include = { roles: { select: { role: { select: { name: true } } } } } as const;

function view(p: Row): PermissionView {
  return { id: p.id, name: p.name, description: p.description, built_in: p.builtIn, roles: p.roles.map((r) => r.role.name).sort(), created_at: p.createdAt.toISOString() };
}

export async function listPermissions(app: FastifyInstance, q: { page?: number; per_page?: number; q?: string }): Promise<Page<PermissionView>> {
  const { skip, take, page, per_page } = pageArgs(q);
  const where: Prisma.PermissionWhereInput = q.q ? { name: { contains: q.q.toLowerCase() } } : {};
  const [rows, total] = await Promise.all([app.db.permission.findMany({ where, include, orderBy: { name: 'asc' }, skip, take }), app.db.permission.count({ where })]);
  return { items: rows.map(view), total, page, per_page };
}

export async function getPermission(app: FastifyInstance, id: string): Promise<PermissionView> {
  const p = await app.db.permission.findUnique({ where: { id }, include });
  if (!p) throw new NotFound('no such permission');
  return view(p);
}

export async function createPermission(app: FastifyInstance, actor: Actor, input: { name: string; description?: string | null }): Promise<PermissionView> {
  try {
    const p = await app.db.permission.create({ data: { name: input.name, description: input.description ?? null }, include });
    await auditAdmin(app, actor, { action: 'permission.created', targetType: 'permission', targetId: p.id, details: { after: { name: p.name, description: p.description } } });
    return view(p);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`the permission '${input.name}' already exists`);
    throw err;
  }
}

export async function updatePermission(app: FastifyInstance, actor: Actor, id: string, input: { description?: string | null }): Promise<PermissionView> {
  const before = await getPermission(app, id);
  const p = await app.db.permission.update({ where: { id }, data: { description: input.description }, include });
  await auditAdmin(app, actor, { action: 'permission.updated', targetType: 'permission', targetId: id, details: { before: { description: before.description }, after: { description: p.description } } });
  return view(p);
}

export async function deletePermission(app: FastifyInstance, actor: Actor, id: string, opts: { cascade?: boolean } = {}): Promise<void> {
  const before = await getPermission(app, id);
  if (before.built_in) throw new Conflict(`the built-in permission '${before.name}' cannot be deleted`);
  if (before.roles.length && !opts.cascade) {
    throw new Conflict(`'${before.name}' is held by ${before.roles.length === 1 ? 'the role' : 'the roles'} ${before.roles.join(', ')}; remove it from them first or delete with cascade`, { roles: before.roles });
  }
  await withAdminGuard(app.db, (tx) => tx.permission.delete({ where: { id } }));
  await auditAdmin(app, actor, { action: 'permission.deleted', targetType: 'permission', targetId: id, details: { before: { name: before.name, description: before.description, roles: before.roles }, cascade: Boolean(opts.cascade) } });
}
