// The one public shape of a user in the admin API and console: an allow-list
// (never the password hash, TOTP secret or recovery codes).
import { Type, type Static } from '@sinclair/typebox';
import type { Prisma } from '../../db/client.ts';

export const UserView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  email_verified: Type.Boolean(),
  disabled: Type.Boolean(),
  mfa_enabled: Type.Boolean(),
  must_change_password: Type.Boolean(),
  has_password: Type.Boolean(),
  roles: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  last_login_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  disabled_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
export type UserView = Static<typeof UserView>;

/** Only what the view needs: the hash is reduced to a boolean in SQL terms by selecting it and dropping it here. */
export const userViewSelect = {
  id: true,
  email: true,
  name: true,
  emailVerifiedAt: true,
  disabledAt: true,
  mustChangePassword: true,
  passwordHash: true,
  createdAt: true,
  updatedAt: true,
  lastLoginAt: true,
  mfa: { select: { enabledAt: true } },
  roles: { select: { role: { select: { name: true } } } },
} as const satisfies Prisma.UserSelect;

export type UserRow = Prisma.UserGetPayload<{ select: typeof userViewSelect }>;

/** The same view from a raw row of the search (user-search.ts), which reads the columns itself. */
export function rawToUserView(u: {
  id: string; email: string; name: string | null; email_verified_at: Date | null; disabled_at: Date | null; must_change_password: boolean;
  has_password: boolean; mfa_enabled: boolean; roles: string[]; created_at: Date; updated_at: Date; last_login_at: Date | null;
}): UserView {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    email_verified: u.email_verified_at !== null,
    disabled: u.disabled_at !== null,
    mfa_enabled: u.mfa_enabled,
    must_change_password: u.must_change_password,
    has_password: u.has_password,
    roles: [...u.roles].sort(),
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
    last_login_at: u.last_login_at?.toISOString() ?? null,
    disabled_at: u.disabled_at?.toISOString() ?? null,
  };
}

export function toUserView(u: UserRow): UserView {
  return rawToUserView({
    id: u.id, email: u.email, name: u.name, email_verified_at: u.emailVerifiedAt, disabled_at: u.disabledAt,
    must_change_password: u.mustChangePassword, has_password: u.passwordHash !== null, mfa_enabled: Boolean(u.mfa?.enabledAt),
    roles: u.roles.map((r) => r.role.name), created_at: u.createdAt, updated_at: u.updatedAt, last_login_at: u.lastLoginAt,
  });
}
