// Creates a verified user holding the `admin` role: the bootstrap admin at
// start-up and `npm run cli -- admin create`.
import type { Db } from '../db/client.ts';
import type { PasswordHasher } from '../security/passwords.ts';
import { canonicalEmail, isValidEmail, normalizeEmail } from './email.ts';

export async function createAdminUser(db: Db, hasher: PasswordHasher, email: string, password: string, name?: string) {
  if (!isValidEmail(email)) throw new Error('not a valid email address');
  if (password.length < 10 || password.length > 256) throw new Error('the password must be 10 to 256 characters');
  const passwordHash = await hasher.hash(password);
  const admin = await db.role.findUniqueOrThrow({ where: { name: 'admin' } });
  const user = await db.user.create({
    data: {
      email: normalizeEmail(email),
      emailCanonical: canonicalEmail(email),
      name: name ?? null,
      passwordHash,
      emailVerifiedAt: new Date(),
      roles: { create: [{ roleId: admin.id }] },
    },
  });
  await db.auditEvent.create({ data: { action: 'user.created', targetType: 'user', targetId: user.id, actorEmail: 'system', details: { admin: true } } });
  return user;
}

/** BOOTSTRAP_ADMIN_*: only when there is no user at all, so it never resurrects a deleted admin. */
export async function bootstrapAdmin(db: Db, hasher: PasswordHasher, admin: { email: string; password: string } | undefined) {
  if (!admin) return undefined;
  if ((await db.user.count()) > 0) return undefined;
  return createAdminUser(db, hasher, admin.email, admin.password);
}
