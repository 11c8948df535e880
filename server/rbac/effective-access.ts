// A user's effective roles and permissions: their roles plus every role those
// inherit (role_parents, transitively), in ONE recursive query. UNION (not
// UNION ALL) stops at roles already seen, so even a cycle cannot loop.
import type { Db } from '../db/client.ts';

export interface EffectiveAccess {
  roles: string[];
  permissions: string[];
}

export async function effectiveAccess(db: Db, userId: string): Promise<EffectiveAccess> {
  const rows = await db.sql.query<{ kind: string; name: string }>('effective_access', `
    WITH RECURSIVE held(id) AS (
      SELECT role_id FROM user_roles WHERE user_id = $1::uuid
      UNION
      SELECT rp.parent_id FROM role_parents rp JOIN held ON rp.role_id = held.id
    )
    SELECT 'role' AS kind, r.name FROM roles r JOIN held ON r.id = held.id
    UNION
    SELECT 'permission' AS kind, p.name FROM role_permissions rp
      JOIN held ON rp.role_id = held.id
      JOIN permissions p ON p.id = rp.permission_id`, [userId]);
  const roles: string[] = [];
  const permissions: string[] = [];
  for (const r of rows) (r.kind === 'role' ? roles : permissions).push(r.name);
  return { roles: roles.sort(), permissions: permissions.sort() };
}
