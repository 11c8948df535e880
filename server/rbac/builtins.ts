// Built-in permissions and roles, seeded at every start (idempotent).
export const builtinPermissions: Array<{ name: string; description: string }> = [
  { name: 'admin:access', description: 'Open the admin console and admin API' },
  { name: 'users:read', description: 'List and view users' },
  { name: 'users:write', description: 'Create, edit, disable and delete users' },
  { name: 'roles:read', description: 'List and view roles and permissions' },
  { name: 'roles:write', description: 'Create, edit and delete roles and permissions, assign roles' },
  { name: 'sessions:read', description: 'List sessions' },
  { name: 'sessions:write', description: 'End sessions' },
  { name: 'clients:read', description: 'List and view OAuth clients' },
  { name: 'clients:write', description: 'Create, edit and delete OAuth clients' },
  { name: 'audit:read', description: 'Read and export the audit log' },
];

export const builtinRoles = {
  admin: { description: 'Every permission, including the admin console' },
  user: { description: 'Every signed-up user' },
} as const;
