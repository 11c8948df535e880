// "The last active admin cannot be removed, disabled, demoted or deleted."
// Rather than predicting the effect of each kind of change (a user disabled, a
// role taken away, a permission removed from a role, a parent link cut, a role
// deleted), every change that could lower the number of admins runs inside
// this guard: it is applied in a transaction, the admins are counted after it,
// and it is rolled back if it would leave none. An advisory lock serialises
// guarded changes so two admins cannot demote each other at the same moment.
import type { Db, Prisma } from '../db/client.ts';
import { Conflict } from '../http/errors.ts';
import { countActiveAdmins } from './role-graph.ts';

const ADMIN_GUARD_LOCK = 4_242_001;

export class LastAdmin extends Conflict {
  constructor() {
    super('this change would leave no active admin (a user holding the admin role); make another active user an admin first');
  }
}

export async function withAdminGuard<T>(db: Db, change: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  return db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT 1 AS locked FROM (SELECT pg_advisory_xact_lock(${ADMIN_GUARD_LOCK}::bigint)) AS l`;
      const before = await countActiveAdmins(tx);
      const result = await change(tx);
      if (before > 0 && (await countActiveAdmins(tx)) === 0) throw new LastAdmin();
      return result;
    },
    { timeout: 10_000, maxWait: 5_000 },
  );
}
