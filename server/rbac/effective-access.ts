// A user's effective roles and permissions: their roles plus every role those
// inherit (role_parents, transitively), in ONE recursive query. UNION (not
// UNION ALL) stops at roles already seen, so even a cycle cannot loop.
import type { Db } from '../db/client.ts';

export interface EffectiveAccess {
  roles: string[];
  permissions: string[];
}

/**
 * A subquery of one row, `roles` and `permissions` (text[], unsorted), of the
 * user whose id is the SQL expression `userId`: a parameter, or a column of an
 * outer row when used as a LATERAL join (the sign-in reads it with the user).
 */
export const accessOf = (userId: string) => `
  WITH RECURSIVE held(id) AS (
    SELECT role_id FROM user_roles WHERE user_id = ${userId}
    UNION
    SELECT rp.parent_id FROM role_parents rp JOIN held ON rp.role_id = held.id
  )
  SELECT
    ARRAY(SELECT r.name FROM roles r JOIN held ON r.id = held.id) AS roles,
    ARRAY(SELECT DISTINCT p.name FROM role_permissions rp JOIN held ON rp.role_id = held.id JOIN permissions p ON p.id = rp.permission_id) AS permissions`;

const EFFECTIVE_ACCESS = accessOf('$1::uuid');

/** sorted in JS, not by the database collation: the order of the token claims */
export const sortedAccess = (a: EffectiveAccess): EffectiveAccess => ({ roles: a.roles.sort(), permissions: a.permissions.sort() });

export async function effectiveAccess(db: Db, userId: string): Promise<EffectiveAccess> {
  const [row] = await db.sql.query<EffectiveAccess>('effective_access', EFFECTIVE_ACCESS, [userId]);
  return sortedAccess(row!);
}
