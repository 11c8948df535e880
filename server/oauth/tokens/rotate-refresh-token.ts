// Refresh-token rotation. The presented token is retired and its successor
// inserted in ONE statement that only matches a token not yet rotated, so of N
// concurrent uses exactly one wins (no read-then-write race). Presenting a
// token that was already rotated means it was copied: the whole family (the
// session) ends, as logout does (RFC 9700 §4.14.2), unless it is the single
// retry allowed within REFRESH_REUSE_GRACE_SECONDS.
import type { FastifyRequest } from 'fastify';
import type { Client } from '../../db/generated/client.ts';
import { sha256 } from '../../security/crypto.ts';
import { InvalidGrant, InvalidScope } from '../../http/errors.ts';
import { effectiveAccess } from '../../rbac/effective-access.ts';
import { revokeSession } from '../../sessions/session-service.ts';
import { audit } from '../../audit/audit.ts';
import { issueTokens, type TokenResponse } from './issue-tokens.ts';
import { newRefreshToken } from './refresh-tokens.ts';

interface Rotated {
  session_id: string;
  scope: string;
  user_id: string;
  amr: string[];
  auth_time: Date;
  email: string;
  name: string | null;
  email_verified_at: Date | null;
  disabled_at: Date | null;
  roles: string[];
  permissions: string[];
}

// $1 successor id, $2 presented token's hash, $3 client id, $4 successor's hash, $5 new expiry
const ROTATE = `
  WITH RECURSIVE old AS (
    UPDATE refresh_tokens rt SET rotated_at = now(), replaced_by_id = $1::uuid
    FROM sessions s
    WHERE rt.token_hash = $2 AND rt.rotated_at IS NULL AND rt.expires_at > now()
      AND s.id = rt.session_id AND s.revoked_at IS NULL AND s.expires_at > now() AND s.client_id = $3
    RETURNING rt.session_id, rt.scope, s.user_id, s.amr, s.auth_time
  ), ins AS (
    INSERT INTO refresh_tokens (id, session_id, token_hash, scope, expires_at)
    SELECT $1::uuid, session_id, $4, scope, $5 FROM old
  ), touch AS (
    -- slide the session at most once a minute: each touch rewrites every index of the row
    UPDATE sessions SET last_used_at = now(), expires_at = $5 WHERE id IN (SELECT session_id FROM old) AND last_used_at < now() - interval '60 seconds'
  ), held(id) AS (
    SELECT ur.role_id FROM user_roles ur JOIN old ON ur.user_id = old.user_id
    UNION
    SELECT rp.parent_id FROM role_parents rp JOIN held ON rp.role_id = held.id
  )
  SELECT old.session_id, old.scope, old.user_id, old.amr, old.auth_time,
    u.email, u.name, u.email_verified_at, u.disabled_at,
    ARRAY(SELECT r.name FROM roles r JOIN held ON r.id = held.id ORDER BY r.name) AS roles,
    ARRAY(SELECT DISTINCT p.name FROM role_permissions rp JOIN held ON rp.role_id = held.id JOIN permissions p ON p.id = rp.permission_id ORDER BY p.name) AS permissions
  FROM old JOIN users u ON u.id = old.user_id`;

export async function rotateRefreshToken(
  request: FastifyRequest,
  input: { client: Client; refreshToken: string; scope?: string[]; resource?: string },
): Promise<TokenResponse> {
  const app = request.server;
  if (input.refreshToken.length > 200) throw new InvalidGrant('the refresh token is invalid, expired or revoked');
  const hash = sha256(input.refreshToken);
  if (input.scope) {
    // RFC 6749 §6: check a narrower scope before rotating, so a refused request does not use the token up
    const held = await app.db.refreshToken.findUnique({ where: { tokenHash: hash }, select: { scope: true } });
    const granted = held?.scope.split(' ') ?? [];
    if (held && input.scope.some((s) => !granted.includes(s))) throw new InvalidScope('the requested scope exceeds the scope originally granted');
  }
  const next = newRefreshToken();
  const expires = new Date(Date.now() + app.config.refreshTokenTtl * 1000);
  // one round trip: rotate, insert the successor, touch the session, and read
  // the user with their effective roles and permissions (recursive, cycle-safe)
  const rows = await app.db.sql.query<Rotated>('rotate_refresh_token', ROTATE, [next.id, hash, input.client.id, next.hash, expires]);
  const row = rows[0];
  if (!row) return handleFailure(request, input, hash);
  return finish(request, input, row, next.token);
}

async function finish(request: FastifyRequest, input: { client: Client; scope?: string[]; resource?: string }, row: Rotated, refreshToken: string): Promise<TokenResponse> {
  const app = request.server;
  const user = { id: row.user_id, email: row.email, name: row.name, emailVerifiedAt: row.email_verified_at };
  const access = { roles: row.roles, permissions: row.permissions };
  if (row.disabled_at) {
    await revokeSession(app, row.session_id, 'user.disabled');
    throw new InvalidGrant('the refresh token is invalid, expired or revoked');
  }
  const granted = row.scope ? row.scope.split(' ') : [];
  const scope = (input.scope?.filter((s) => granted.includes(s)) ?? granted).filter((s) => !s.includes(':') || access.permissions.includes(s) || input.client.firstParty);
  return issueTokens(app, {
    client: input.client,
    user,
    session: { id: row.session_id, amr: row.amr, authTime: row.auth_time },
    scope,
    access,
    resource: input.resource,
    includeRefresh: true,
    refreshToken,
  });
}

async function handleFailure(request: FastifyRequest, input: { client: Client; scope?: string[]; resource?: string }, hash: string): Promise<TokenResponse> {
  const app = request.server;
  const token = await app.db.refreshToken.findUnique({ where: { tokenHash: hash }, include: { session: true } });
  if (token?.rotatedAt && !token.session.revokedAt) {
    const grace = app.config.refreshReuseGraceSeconds * 1000;
    // only a token rotated by a real refresh (it has a successor) gets the grace; a successor killed by a grace retry does not
    const withinGrace = grace > 0 && !!token.replacedById && Date.now() - token.rotatedAt.getTime() <= grace && token.session.clientId === input.client.id;
    // the grace retry works once per rotated token (setIfAbsent is atomic across instances)
    if (withinGrace && (await app.store.setIfAbsent(`refresh:grace:${token.id}`, '1', grace + 1000))) {
      return graceRetry(request, input, token);
    }
    await revokeSession(app, token.sessionId, 'refresh_token.reused');
    await audit(request, { action: 'refresh_token.reused', actorId: token.session.userId, targetType: 'session', targetId: token.sessionId, details: { client_id: input.client.id } });
  }
  throw new InvalidGrant('the refresh token is invalid, expired or revoked');
}

/** a client that lost the response retries with the token it just rotated: its lost successor dies, a new one is issued */
async function graceRetry(request: FastifyRequest, input: { client: Client; scope?: string[]; resource?: string }, token: { id: string; sessionId: string; scope: string; replacedById: string | null; session: { userId: string; amr: string[]; authTime: Date } }): Promise<TokenResponse> {
  const app = request.server;
  const next = newRefreshToken();
  const expires = new Date(Date.now() + app.config.refreshTokenTtl * 1000);
  await app.db.$transaction([
    ...(token.replacedById ? [app.db.refreshToken.updateMany({ where: { id: token.replacedById, rotatedAt: null }, data: { rotatedAt: new Date() } })] : []),
    app.db.refreshToken.create({ data: { id: next.id, sessionId: token.sessionId, tokenHash: next.hash, scope: token.scope, expiresAt: expires } }),
    app.db.refreshToken.update({ where: { id: token.id }, data: { replacedById: next.id } }),
  ]);
  const [user, access] = await Promise.all([
    app.db.user.findUniqueOrThrow({ where: { id: token.session.userId } }),
    effectiveAccess(app.db, token.session.userId),
  ]);
  return finish(request, input, {
    session_id: token.sessionId, scope: token.scope, user_id: user.id, amr: token.session.amr, auth_time: token.session.authTime,
    email: user.email, name: user.name, email_verified_at: user.emailVerifiedAt, disabled_at: user.disabledAt, ...access,
  }, next.token);
}
