// RFC 6750 / RFC 9068 §4 / RFC 8725: what app.authenticate refuses. Every
// forged or misused token gets 401 invalid_token on /auth/me.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createPublicKey, randomUUID } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { bearer, createUser, decodeJwt, expectOAuthError, login } from '../test/oauth.ts';
import { signJwt } from '../oauth/tokens/sign-jwt.ts';
import { rotateSigningKeys } from '../keys/rotate-keys.ts';
import { keyRing } from '../keys/key-ring.ts';
import { markSessionRevoked } from '../sessions/revocation-markers.ts';
import { userChanged } from '../accounts/user-profile.ts';
import { FIRST_PARTY_CLIENT_ID, updateClient } from '../clients/client-service.ts';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('Bearer authentication refuses forged and misused tokens', () => {
  let t: TestContext;
  let tokens: { access_token: string; refresh_token: string };
  let claims: Record<string, any>;
  let header: Record<string, any>;
  before(async () => {
    t = await createTestApp();
    const { email, password } = await createUser(t.app, { roles: ['admin'] });
    tokens = await login(t.app, email, password);
    ({ payload: claims, header } = decodeJwt(tokens.access_token));
  });
  after(async () => { await t.close(); });

  const me = (token: string) => t.app.inject({ url: '/auth/me', headers: bearer(token) });
  const refused = async (token: string, why: string) => {
    const res = await me(token);
    assert.equal(res.statusCode, 401, `${why}: ${res.body}`);
    expectOAuthError(res, 'invalid_token');
  };

  it('accepts the genuine token (control)', async () => {
    assert.equal((await me(tokens.access_token)).statusCode, 200);
  });

  it('refuses alg none', async () => {
    await refused(`${b64({ alg: 'none', typ: 'at+jwt', kid: header.kid })}.${b64(claims)}.`, 'alg none');
    await refused(`${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claims, jti: randomUUID() })}.`, 'alg none without kid');
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const jwk = (await keyRing(t.app).jwks()).keys.find((k) => k.kid === header.kid)!;
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }) as string;
    for (const secret of [pem, JSON.stringify(jwk)]) {
      const head = b64({ alg: 'HS256', typ: 'at+jwt', kid: header.kid });
      const body = b64({ ...claims, jti: randomUUID() });
      const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
      await refused(`${head}.${body}.${sig}`, 'HS256 with the public key');
    }
  });

  it('refuses a tampered payload and a token signed by a key that is not ours', async () => {
    const [h, , s] = tokens.access_token.split('.');
    await refused(`${h}.${b64({ ...claims, permissions: [...claims.permissions, 'root:everything'] })}.${s}`, 'tampered');
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...claims, jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: header.kid }).sign(privateKey);
    await refused(forged, 'foreign key with our kid');
  });

  it('refuses expired tokens and wrong iss, aud or typ, even when signed with our key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const base = { ...claims, iat: now, exp: now + 600 };
    const sign = async (payload: Record<string, unknown>, typ: 'at+jwt' | 'JWT' = 'at+jwt') => (await signJwt(t.app, { ...payload, jti: randomUUID() }, typ)).jwt;
    assert.equal((await me(await sign(base))).statusCode, 200, 'control: a well-formed token we signed passes');
    await refused(await sign({ ...base, iat: now - 7200, exp: now - 3600 }), 'expired');
    await refused(await sign({ ...base, iss: 'https://evil.example.com' }), 'wrong iss');
    await refused(await sign({ ...base, aud: 'https://other-api.example.com' }), 'wrong aud');
    await refused(await sign(base, 'JWT'), 'typ JWT');
  });

  it('refuses an ID token and a refresh token used as an access token', async () => {
    const { email, password } = await createUser(t.app);
    const res = await t.app.inject({ method: 'POST', url: '/oauth/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ grant_type: 'password', client_id: 'latchkey', username: email, password, scope: 'openid' }).toString() });
    assert.equal(res.statusCode, 200, res.body);
    await refused(res.json().id_token, 'ID token');
    await refused(res.json().refresh_token, 'refresh token');
  });

  it('keeps verifying tokens signed before a key rotation, and signs new ones with the new key', async () => {
    const before = tokens.access_token;
    const r = await rotateSigningKeys(t.services);
    keyRing(t.app).invalidate();
    assert.equal((await me(before)).statusCode, 200, 'old token still verifies');
    const { email, password } = await createUser(t.app);
    const fresh = await login(t.app, email, password);
    assert.equal(decodeJwt(fresh.access_token).header.kid, r.current);
    assert.equal((await me(fresh.access_token)).statusCode, 200);
    const jwks = (await t.app.inject('/oauth/jwks')).json();
    assert.ok(jwks.keys.some((k: { kid: string }) => k.kid === header.kid), 'previous key still published');
  });
});

describe('Bearer authentication from memory', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });
  const me = (token: string) => t.app.inject({ url: '/auth/me', headers: bearer(token) });

  it('refuses a token answered from memory at once when its session ends, its user or its client is disabled', async () => {
    const { user, email, password } = await createUser(t.app);
    const first = await login(t.app, email, password);
    // twice: the second request finds token, markers, client and profile in memory
    for (let i = 0; i < 2; i++) assert.equal((await me(first.access_token)).statusCode, 200);
    await markSessionRevoked(t.app, decodeJwt(first.access_token).payload.sid);
    expectOAuthError(await me(first.access_token), 'invalid_token', 401);

    const second = await login(t.app, email, password);
    for (let i = 0; i < 2; i++) assert.equal((await me(second.access_token)).statusCode, 200);
    await t.services.db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    await userChanged(t.app, user.id);
    expectOAuthError(await me(second.access_token), 'invalid_token', 401);
    await t.services.db.user.update({ where: { id: user.id }, data: { disabledAt: null } });
    await userChanged(t.app, user.id);

    const third = await login(t.app, email, password);
    for (let i = 0; i < 2; i++) assert.equal((await me(third.access_token)).statusCode, 200);
    await updateClient(t.app, FIRST_PARTY_CLIENT_ID, { disabled: true });
    expectOAuthError(await me(third.access_token), 'invalid_token', 401);
  });
});
