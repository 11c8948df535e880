// Ensures the built-in permissions and roles exist; `admin` always holds every
// built-in permission. Safe to run on every start and from several instances.
import type { Db } from '../db/client.ts';
import { builtinPermissions, builtinRoles } from './builtins.ts';

export async function seedBuiltins(db: Db): Promise<void> {
  await db.permission.createMany({ data: builtinPermissions.map((p) => ({ ...p, builtIn: true })), skipDuplicates: true });
  await db.role.createMany({
    data: Object.entries(builtinRoles).map(([name, r]) => ({ name, description: r.description, builtIn: true })),
    skipDuplicates: true,
  });
  const admin = await db.role.findUniqueOrThrow({ where: { name: 'admin' } });
  const perms = await db.permission.findMany({ where: { name: { in: builtinPermissions.map((p) => p.name) } }, select: { id: true } });
  await db.rolePermission.createMany({ data: perms.map((p) => ({ roleId: admin.id, permissionId: p.id })), skipDuplicates: true });
}
