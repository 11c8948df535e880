// Mints the token response of every grant: an RFC 9068 access token, an OIDC
// ID token when `openid` was granted to a user, and a refresh token when the
// client may use the refresh_token grant (DESIGN §5: offline_access is honoured,
// not required). The caller decides scope; roles and permissions are computed
// once here, so every token carries the user's effective access.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Client, Session, User } from '../../db/generated/client.ts';
import { effectiveAccess, type EffectiveAccess } from '../../rbac/effective-access.ts';
import { leftHalfHash, signJwt } from './sign-jwt.ts';
import { storeRefreshToken } from './refresh-tokens.ts';
import { tokenPermissions } from './scopes.ts';

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface IssueInput {
  client: Client;
  user?: Pick<User, 'id' | 'email' | 'name' | 'emailVerifiedAt'> | null;
  session?: Pick<Session, 'id' | 'authTime' | 'amr'> | null;
  scope: string[];
  amr?: string[];
  authTime?: Date;
  nonce?: string;
  resource?: string;
  includeRefresh: boolean;
  /** an already computed access (refresh grant reuses its query); computed here otherwise */
  access?: EffectiveAccess;
  /** a refresh token minted by the caller (atomic rotation) instead of a new row here */
  refreshToken?: string;
}

const now = () => Math.floor(Date.now() / 1000);

export async function issueTokens(app: FastifyInstance, input: IssueInput): Promise<TokenResponse> {
  const { client, user, session, scope } = input;
  const iat = now();
  const ttl = app.config.accessTokenTtl;
  const access = user ? (input.access ?? (await effectiveAccess(app.db, user.id))) : { roles: [], permissions: [] };
  const claims = {
    iss: app.config.issuer,
    sub: user?.id ?? client.id,
    aud: input.resource ?? client.id,
    iat,
    exp: iat + ttl,
    jti: randomUUID(),
    client_id: client.id,
    ...(session ? { sid: session.id } : {}),
    ...(scope.length ? { scope: scope.join(' ') } : {}),
    ...(user ? { auth_time: Math.floor((input.authTime ?? session?.authTime ?? new Date()).getTime() / 1000) } : {}),
    roles: access.roles,
    permissions: user ? tokenPermissions(client, scope, access.permissions) : scope.filter((s) => s.includes(':')),
  };
  const storing = !input.refreshToken && input.includeRefresh && session ? storeRefreshToken(app, session.id, scope) : undefined;
  const [{ jwt: accessToken, alg }, stored] = storing ? await Promise.all([signJwt(app, claims, 'at+jwt'), storing]) : [await signJwt(app, claims, 'at+jwt')];
  const refreshToken = input.refreshToken || stored;
  const res: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: ttl, scope: scope.join(' ') };
  if (refreshToken) res.refresh_token = refreshToken;
  if (user && scope.includes('openid')) res.id_token = await idToken(app, input, accessToken, alg, iat);
  return res;
}

async function idToken(app: FastifyInstance, input: IssueInput, accessToken: string, alg: string, iat: number): Promise<string> {
  const { user, client, session, scope } = input;
  const authTime = input.authTime ?? session?.authTime ?? new Date();
  const { jwt } = await signJwt(app, {
    iss: app.config.issuer,
    sub: user!.id,
    aud: client.id,
    azp: client.id,
    iat,
    exp: iat + app.config.accessTokenTtl,
    auth_time: Math.floor(authTime.getTime() / 1000),
    amr: input.amr ?? session?.amr ?? ['pwd'],
    at_hash: leftHalfHash(accessToken, alg),
    ...(session ? { sid: session.id } : {}),
    ...(input.nonce ? { nonce: input.nonce } : {}),
    ...(scope.includes('email') ? { email: user!.email, email_verified: !!user!.emailVerifiedAt } : {}),
    ...(scope.includes('profile') ? { name: user!.name ?? undefined } : {}),
  }, 'JWT');
  return jwt;
}
