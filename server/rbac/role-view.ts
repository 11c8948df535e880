// The one public shape of a role (admin API and console). An allow-list: it is
// also the response schema, so nothing else in the row can leak.
import { Type, type Static } from '@sinclair/typebox';
import type { Db, Prisma } from '../db/client.ts';
import { effectiveRolePermissions } from './role-graph.ts';

type Tx = Db | Prisma.TransactionClient;

export const RoleView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  built_in: Type.Boolean(),
  permissions: Type.Array(Type.String(), { description: 'permissions held directly' }),
  inherits: Type.Array(Type.String(), { description: 'names of the parent roles' }),
  effective_permissions: Type.Array(Type.String(), { description: 'own plus inherited permissions' }),
  member_count: Type.Integer({ description: 'users holding this role directly' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});
export type RoleView = Static<typeof RoleView>;

const include = {
  permissions: { select: { permission: { select: { name: true } } } },
  parents: { select: { parent: { select: { name: true } } } },
  _count: { select: { users: true } },
} as const;

export async function roleViews(db: Tx, where: Prisma.RoleWhereInput, page?: { skip: number; take: number }): Promise<RoleView[]> {
  const roles = await db.role.findMany({ where, include, orderBy: [{ builtIn: 'desc' }, { name: 'asc' }], ...(page ?? {}) });
  const effective = await effectiveRolePermissions(db, roles.map((r) => r.id));
  return roles.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    built_in: r.builtIn,
    permissions: r.permissions.map((p) => p.permission.name).sort(),
    inherits: r.parents.map((p) => p.parent.name).sort(),
    effective_permissions: effective.get(r.id) ?? [],
    member_count: r._count.users,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  }));
}
