// Admin changes to users. Every change is audited with its actor and, for
// edits, the before/after values. Anything that could leave no active admin
// runs inside withAdminGuard (rbac/admin-guard.ts).
import type { FastifyInstance } from 'fastify';
import { canonicalEmail, isValidEmail, normalizeEmail } from '../../accounts/email.ts';
import { Conflict, InvalidRequest, NotFound } from '../../http/errors.ts';
import { passwordHasher } from '../../accounts/hasher.ts';
import { assertPasswordPolicy } from '../../accounts/password-policy.ts';
import { revokeUserSessions } from '../../sessions/session-service.ts';
import { withAdminGuard } from '../../rbac/admin-guard.ts';
import { isUniqueViolation } from '../../rbac/unique-violation.ts';
import { auditAdmin, type Actor } from '../actor.ts';
import { sendInvitation } from './account-mail.ts';
import { toUserView, userViewSelect, type UserView } from './user-view.ts';
import { userChanged } from '../../accounts/user-profile.ts';

export interface CreateUserInput {
  email: string;
  password?: string;
  name?: string | null;
  email_verified?: boolean;
  must_change_password?: boolean;
  roles?: string[];
}

export async function getUser(app: FastifyInstance, id: string): Promise<UserView> {
  const u = await app.db.user.findUnique({ where: { id }, select: userViewSelect });
  if (!u) throw new NotFound('no such user');
  return toUserView(u);
}

async function roleIds(app: FastifyInstance, names: string[]): Promise<string[]> {
  const unique = [...new Set(names)];
  const rows = await app.db.role.findMany({ where: { name: { in: unique } }, select: { id: true, name: true } });
  const missing = unique.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw new InvalidRequest(`unknown role${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  return rows.map((r) => r.id);
}


/** With a password the user can sign in at once; without one an invitation mail carries a set-password link. */
export async function createUser(app: FastifyInstance, actor: Actor, input: CreateUserInput): Promise<UserView> {
  if (!isValidEmail(input.email)) throw new InvalidRequest('not a valid email address', { details: [{ field: 'body.email', message: 'is not a valid email address' }] });
  if (input.password !== undefined) assertPasswordPolicy(input.password, { email: input.email, name: input.name });
  const roles = await roleIds(app, input.roles ?? ['user']);
  const passwordHash = input.password !== undefined ? await passwordHasher(app).hash(input.password) : null;
  let created;
  try {
    created = await app.db.user.create({
      data: {
        email: normalizeEmail(input.email),
        emailCanonical: canonicalEmail(input.email),
        name: input.name?.trim() || null,
        passwordHash,
        mustChangePassword: passwordHash !== null && Boolean(input.must_change_password),
        emailVerifiedAt: input.email_verified ? new Date() : null,
        roles: { create: roles.map((roleId) => ({ roleId })) },
      },
      select: userViewSelect,
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('a user with this email address already exists');
    throw err;
  }
  const view = toUserView(created);
  const invited = passwordHash === null;
  await auditAdmin(app, actor, { action: 'user.created', targetType: 'user', targetId: view.id, details: { after: { email: view.email, name: view.name, email_verified: view.email_verified, roles: view.roles }, invited } });
  if (invited) await sendInvitation(app, { id: view.id, email: view.email, name: view.name }, actor.email);
  return view;
}

export interface UpdateUserInput {
  email?: string;
  name?: string | null;
  email_verified?: boolean;
  must_change_password?: boolean;
  password?: string;
}

export async function updateUser(app: FastifyInstance, actor: Actor, id: string, input: UpdateUserInput): Promise<UserView> {
  const before = await getUser(app, id);
  if (input.email !== undefined && !isValidEmail(input.email)) throw new InvalidRequest('not a valid email address', { details: [{ field: 'body.email', message: 'is not a valid email address' }] });
  if (input.password !== undefined) assertPasswordPolicy(input.password, { email: input.email ?? before.email, name: input.name ?? before.name });
  const emailChanged = input.email !== undefined && canonicalEmail(input.email) !== canonicalEmail(before.email);
  let after;
  try {
    const u = await app.db.user.update({
      where: { id },
      data: {
        ...(input.email !== undefined ? { email: normalizeEmail(input.email), emailCanonical: canonicalEmail(input.email) } : {}),
        ...(input.name !== undefined ? { name: input.name?.trim() || null } : {}),
        ...(input.email_verified !== undefined ? { emailVerifiedAt: input.email_verified ? (before.email_verified && !emailChanged ? undefined : new Date()) : null } : emailChanged ? { emailVerifiedAt: null } : {}),
        ...(input.must_change_password !== undefined ? { mustChangePassword: input.must_change_password } : {}),
        ...(input.password !== undefined ? { passwordHash: await passwordHasher(app).hash(input.password), mustChangePassword: input.must_change_password ?? true } : {}),
      },
      select: userViewSelect,
    });
    after = toUserView(u);
    await userChanged(app, id);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('a user with this email address already exists');
    throw err;
  }
  const pick = (v: UserView) => ({ email: v.email, name: v.name, email_verified: v.email_verified, must_change_password: v.must_change_password });
  await auditAdmin(app, actor, { action: 'user.updated', targetType: 'user', targetId: id, details: { before: pick(before), after: pick(after), password_set: input.password !== undefined } });
  // a new password set by an admin ends every session, like a reset
  if (input.password !== undefined) await revokeUserSessions(app, id, 'password.set_by_admin', { actor });
  return after;
}

/** Disabling ends every session at once (tokens included); enabling lets the user sign in again. */
export async function setUserDisabled(app: FastifyInstance, actor: Actor, id: string, disabled: boolean): Promise<UserView> {
  const before = await getUser(app, id);
  if (disabled && actor.id === id) throw new Conflict('you cannot disable your own account');
  if (before.disabled === disabled) return before;
  await withAdminGuard(app.db, (tx) => tx.user.update({ where: { id }, data: { disabledAt: disabled ? new Date() : null } }));
  await userChanged(app, id);
  if (disabled) await revokeUserSessions(app, id, 'user.disabled', { actor });
  await auditAdmin(app, actor, { action: disabled ? 'user.disabled' : 'user.enabled', targetType: 'user', targetId: id, details: { before: { disabled: before.disabled }, after: { disabled } } });
  return getUser(app, id);
}

export async function deleteUser(app: FastifyInstance, actor: Actor, id: string): Promise<void> {
  const before = await getUser(app, id);
  if (actor.id === id) throw new Conflict('you cannot delete your own account here; use the account page');
  // disable first (guarded: refused for the last admin, nothing changed), so the
  // sessions can be revoked while their rows still exist: access tokens already
  // handed out stop at once; then the rows go (sessions and tokens cascade)
  await withAdminGuard(app.db, (tx) => tx.user.update({ where: { id }, data: { disabledAt: new Date() } }));
  await revokeUserSessions(app, id, 'user.deleted', { actor });
  await app.db.user.delete({ where: { id } });
  await userChanged(app, id);
  await auditAdmin(app, actor, { action: 'user.deleted', targetType: 'user', targetId: id, details: { before: { email: before.email, name: before.name, roles: before.roles } } });
}

export async function setUserRoles(app: FastifyInstance, actor: Actor, id: string, names: string[]): Promise<UserView> {
  const before = await getUser(app, id);
  const ids = await roleIds(app, names);
  await withAdminGuard(app.db, async (tx) => {
    await tx.userRole.deleteMany({ where: { userId: id, roleId: { notIn: ids } } });
    await tx.userRole.createMany({ data: ids.map((roleId) => ({ userId: id, roleId })), skipDuplicates: true });
  });
  const after = await getUser(app, id);
  await auditAdmin(app, actor, { action: 'user.roles_set', targetType: 'user', targetId: id, details: { before: { roles: before.roles }, after: { roles: after.roles } } });
  return after;
}
