// The profile GET /auth/me answers with, kept in memory on every instance.
// Every change to these fields calls userChanged() (admin edits, verification,
// reset, TOTP on/off, profile, disable, delete), which drops the copy on every
// instance (store/shared-cache.ts); the TTL only bounds a lost message.
import type { FastifyInstance } from 'fastify';
import { sharedCache, type SharedCache } from '../store/shared-cache.ts';

export interface UserProfile {
  id: string;
  email: string;
  name: string | null;
  email_verified: boolean;
  disabled: boolean;
  mfa_enabled: boolean;
}

function cacheOf(app: FastifyInstance): SharedCache<UserProfile> {
  return sharedCache<UserProfile>(app.store, 'users', { ttlMs: 60_000, max: 20_000 });
}

/** the profile if this instance holds it (no promise), else undefined */
export function profileInMemory(app: FastifyInstance, id: string): UserProfile | undefined {
  return cacheOf(app).peek(id);
}

/** null for an unknown user */
export function userProfile(app: FastifyInstance, id: string): Promise<UserProfile | null> {
  return cacheOf(app).get(id, async () => {
    const [user] = await app.db.sql.query<UserProfile>('user_profile', `
      SELECT u.id, u.email, u.name, u.email_verified_at IS NOT NULL AS email_verified, u.disabled_at IS NOT NULL AS disabled, m.enabled_at IS NOT NULL AS mfa_enabled
      FROM users u LEFT JOIN user_mfa m ON m.user_id = u.id WHERE u.id = $1::uuid`, [id]);
    return user ?? null;
  });
}

/** after any change to a field of UserProfile (or the user's deletion) */
export function userChanged(app: FastifyInstance, id: string): Promise<void> {
  return cacheOf(app).changed(id);
}
