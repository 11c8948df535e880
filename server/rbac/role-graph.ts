// Queries over the role inheritance graph (role_parents: a role holds every
// permission of its parents). Recursive CTEs use UNION, not UNION ALL, so they
// terminate even if a cycle ever slipped into the table.
import type { Db, Prisma } from '../db/client.ts';

type Tx = Db | Prisma.TransactionClient;

/** Ids of `roleIds` plus every role they inherit from, transitively. */
export async function ancestorRoleIds(db: Tx, roleIds: string[]): Promise<string[]> {
  if (!roleIds.length) return [];
  const rows = await db.$queryRaw<Array<{ id: string }>>`
    WITH RECURSIVE up(id) AS (
      SELECT unnest(${roleIds}::uuid[])
      UNION
      SELECT rp.parent_id FROM role_parents rp JOIN up ON rp.role_id = up.id
    ) SELECT id::text AS id FROM up`;
  return rows.map((r) => r.id);
}

/**
 * The names of the roles that would close a cycle if `roleId` inherited
 * `parentIds`: a parent that is the role itself or already inherits from it.
 */
export async function cycleCulprits(db: Tx, roleId: string, parentIds: string[]): Promise<string[]> {
  if (!parentIds.length) return [];
  const rows = await db.$queryRaw<Array<{ name: string }>>`
    WITH RECURSIVE down(id) AS (
      SELECT ${roleId}::uuid
      UNION
      SELECT rp.role_id FROM role_parents rp JOIN down ON rp.parent_id = down.id
    ) SELECT r.name FROM roles r WHERE r.id IN (SELECT id FROM down) AND r.id = ANY(${parentIds}::uuid[]) ORDER BY r.name`;
  return rows.map((r) => r.name);
}

/** Effective permission names of each role (its own plus every ancestor's). */
export async function effectiveRolePermissions(db: Tx, roleIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(roleIds.map((id) => [id, []]));
  if (!roleIds.length) return out;
  const rows = await db.$queryRaw<Array<{ role_id: string; name: string }>>`
    WITH RECURSIVE up(role_id, id) AS (
      SELECT r, r FROM unnest(${roleIds}::uuid[]) AS r
      UNION
      SELECT up.role_id, rp.parent_id FROM role_parents rp JOIN up ON rp.role_id = up.id
    )
    SELECT DISTINCT up.role_id::text AS role_id, p.name FROM up
      JOIN role_permissions x ON x.role_id = up.id JOIN permissions p ON p.id = x.permission_id
    ORDER BY p.name`;
  for (const r of rows) out.get(r.role_id)?.push(r.name);
  return out;
}

/**
 * Active admins: users not disabled who hold the built-in `admin` role, directly
 * or through a role that inherits from it. (Holding admin:access alone is not
 * enough: an operator who may open the console but not manage roles could not
 * repair a console left without a real admin.)
 */
export async function countActiveAdmins(db: Tx): Promise<number> {
  const rows = await db.$queryRaw<Array<{ n: number }>>`
    WITH RECURSIVE granting(id) AS (
      SELECT id FROM roles WHERE name = 'admin' AND built_in
      UNION
      SELECT rp.role_id FROM role_parents rp JOIN granting g ON rp.parent_id = g.id
    )
    SELECT count(DISTINCT u.id)::int AS n FROM users u JOIN user_roles ur ON ur.user_id = u.id
    WHERE u.disabled_at IS NULL AND ur.role_id IN (SELECT id FROM granting)`;
  return rows[0]?.n ?? 0;
}
