// Roles: create, rename, describe, delete, set permissions and parents.
// Cycles are refused with the names involved; built-in roles keep their names,
// `admin` keeps admin:access, and nothing may leave zero active admins.
import type { FastifyInstance } from 'fastify';
import type { Prisma } from '../db/client.ts';
import { Conflict, InvalidRequest, NotFound } from '../http/errors.ts';
import { auditAdmin, type Actor } from '../admin/actor.ts';
import { pageArgs, type Page } from '../admin/pagination.ts';
import { withAdminGuard } from './admin-guard.ts';
import { cycleCulprits } from './role-graph.ts';
import { roleViews, type RoleView } from './role-view.ts';
import { isUniqueViolation } from './unique-violation.ts';

export const ROLE_NAME = '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,62}$';

export interface RoleInput {
  name?: string;
  description?: string | null;
  permissions?: string[];
  inherits?: string[];
}

type Tx = Prisma.TransactionClient;

async function idsByName(tx: Tx, kind: 'permission' | 'role', names: string[]): Promise<string[]> {
  const unique = [...new Set(names)];
  const rows = kind === 'permission'
    ? await tx.permission.findMany({ where: { name: { in: unique } }, select: { id: true, name: true } })
    : await tx.role.findMany({ where: { name: { in: unique } }, select: { id: true, name: true } });
  const missing = unique.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw new InvalidRequest(`unknown ${kind}${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, { details: missing.map((m) => ({ field: kind === 'permission' ? 'permissions' : 'inherits', message: `${m} does not exist` })) });
  return rows.map((r) => r.id);
}

async function applyLinks(tx: Tx, role: { id: string; name: string; builtIn: boolean }, input: RoleInput) {
  if (input.permissions) {
    if (role.builtIn && role.name === 'admin' && !input.permissions.includes('admin:access')) {
      throw new Conflict('the built-in admin role cannot lose admin:access');
    }
    const ids = await idsByName(tx, 'permission', input.permissions);
    await tx.rolePermission.deleteMany({ where: { roleId: role.id, permissionId: { notIn: ids } } });
    await tx.rolePermission.createMany({ data: ids.map((permissionId) => ({ roleId: role.id, permissionId })), skipDuplicates: true });
  }
  if (input.inherits) {
    const ids = await idsByName(tx, 'role', input.inherits);
    const culprits = await cycleCulprits(tx, role.id, ids);
    if (culprits.length) {
      const who = culprits.map((c) => `'${c}'`).join(', ');
      throw new InvalidRequest(culprits.includes(role.name)
        ? `role '${role.name}' cannot inherit from itself`
        : `role '${role.name}' cannot inherit from ${who}: ${who} already inherit${culprits.length > 1 ? '' : 's'} from '${role.name}', which would make a cycle`);
    }
    await tx.roleParent.deleteMany({ where: { roleId: role.id, parentId: { notIn: ids } } });
    await tx.roleParent.createMany({ data: ids.map((parentId) => ({ roleId: role.id, parentId })), skipDuplicates: true });
  }
}

function checkName(name: string | undefined) {
  if (name !== undefined && !new RegExp(ROLE_NAME).test(name)) throw new InvalidRequest(`“${name.slice(0, 70)}” is not a valid role name: use letters, digits and . _ : - (up to 63, starting with a letter or digit)`);
}

const snapshot = (v: RoleView) => ({ name: v.name, description: v.description, permissions: v.permissions, inherits: v.inherits });

export async function listRoles(app: FastifyInstance, q: { page?: number; per_page?: number; q?: string }): Promise<Page<RoleView>> {
  const { skip, take, page, per_page } = pageArgs(q);
  const where: Prisma.RoleWhereInput = q.q ? { name: { contains: q.q, mode: 'insensitive' } } : {};
  const [items, total] = await Promise.all([roleViews(app.db, where, { skip, take }), app.db.role.count({ where })]);
  return { items, total, page, per_page };
}

export async function getRole(app: FastifyInstance, id: string): Promise<RoleView> {
  const [role] = await roleViews(app.db, { id });
  if (!role) throw new NotFound('no such role');
  return role;
}

export async function createRole(app: FastifyInstance, actor: Actor, input: RoleInput & { name: string }): Promise<RoleView> {
  checkName(input.name);
  try {
    const view = await app.db.$transaction(async (tx) => {
      const role = await tx.role.create({ data: { name: input.name, description: input.description ?? null } });
      await applyLinks(tx, role, input);
      return (await roleViews(tx, { id: role.id }))[0]!;
    });
    await auditAdmin(app, actor, { action: 'role.created', targetType: 'role', targetId: view.id, details: { after: snapshot(view) } });
    return view;
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`a role named '${input.name}' already exists`);
    throw err;
  }
}

export async function updateRole(app: FastifyInstance, actor: Actor, id: string, input: RoleInput): Promise<RoleView> {
  checkName(input.name);
  const before = await getRole(app, id);
  if (before.built_in && input.name !== undefined && input.name !== before.name) throw new Conflict(`the built-in role '${before.name}' cannot be renamed`);
  try {
    const after = await withAdminGuard(app.db, async (tx) => {
      const role = await tx.role.update({ where: { id }, data: { name: input.name, description: input.description } });
      await applyLinks(tx, role, input);
      return (await roleViews(tx, { id }))[0]!;
    });
    await auditAdmin(app, actor, { action: 'role.updated', targetType: 'role', targetId: id, details: { before: snapshot(before), after: snapshot(after) } });
    return after;
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`a role named '${input.name}' already exists`);
    throw err;
  }
}

export async function deleteRole(app: FastifyInstance, actor: Actor, id: string): Promise<void> {
  const before = await getRole(app, id);
  if (before.built_in) throw new Conflict(`the built-in role '${before.name}' cannot be deleted`);
  await withAdminGuard(app.db, (tx) => tx.role.delete({ where: { id } }));
  await auditAdmin(app, actor, { action: 'role.deleted', targetType: 'role', targetId: id, details: { before: { ...snapshot(before), member_count: before.member_count } } });
}
