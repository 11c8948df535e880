// RFC 6749 §6 refresh with rotation, reuse detection (RFC 9700 §4.14.2) and
// the reuse grace period.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { bearer, createClient, createUser, decodeJwt, expectOAuthError, tokenRequest } from '../test/oauth.ts';
import { verifyAccessToken } from '../auth/verify-access-token.ts';
import { isRevoked } from '../sessions/revocation-markers.ts';

type Auth = { method: 'post'; clientId: string; clientSecret: string };

async function setup(t: TestContext) {
  const fp = await createClient(t.app, { grantTypes: ['password', 'refresh_token'], firstParty: true });
  const auth: Auth = { method: 'post', clientId: fp.clientId, clientSecret: fp.clientSecret! };
  const { user, email, password } = await createUser(t.app, { roles: ['admin'] });
  const res = await tokenRequest(t.app, { grant_type: 'password', username: email, password, scope: 'openid email' }, auth);
  assert.equal(res.statusCode, 200, res.body);
  return { auth, user, tokens: res.json() as { access_token: string; refresh_token: string } };
}

describe('refresh_token grant', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('rotates: a new refresh token, a fresh access token in the same session, current permissions', async () => {
    const { auth, tokens, user } = await setup(t);
    const res = await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth);
    assert.equal(res.statusCode, 200, res.body);
    const next = res.json();
    assert.notEqual(next.refresh_token, tokens.refresh_token);
    assert.equal(decodeJwt(next.access_token).payload.sid, decodeJwt(tokens.access_token).payload.sid);
    assert.equal(next.scope, 'openid email');
    assert.ok(next.id_token, 'openid was granted, so an ID token comes back');
    assert.equal(decodeJwt(next.id_token).payload.sub, user.id);
    assert.ok(decodeJwt(next.access_token).payload.permissions.includes('users:write'));
    const again = await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: next.refresh_token }, auth);
    assert.equal(again.statusCode, 200, 'the successor works');
  });

  it('may narrow the scope but never widen it (RFC 6749 §6)', async () => {
    const { auth, tokens } = await setup(t);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'openid profile' }, auth), 'invalid_scope', 400);
    const narrow = await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token, scope: 'email' }, auth);
    assert.equal(narrow.statusCode, 200, narrow.body);
    assert.equal(narrow.json().scope, 'email');
    assert.equal(narrow.json().id_token, undefined);
  });

  it('reuse of a rotated token revokes the whole family and the access tokens at once, and is audited', async () => {
    const { auth, tokens } = await setup(t);
    const rotated = (await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth)).json();
    const reuse = await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth);
    expectOAuthError(reuse, 'invalid_grant', 400);
    // the legitimate successor is dead too: the family is revoked
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: rotated.refresh_token }, auth), 'invalid_grant', 400);
    const claims = await verifyAccessToken(t.app, rotated.access_token);
    assert.equal(await isRevoked(t.app, claims!.sid!, claims!.jti), true);
    const me = await t.app.inject({ url: '/auth/me', headers: bearer(rotated.access_token) });
    assert.notEqual(me.statusCode, 200);
    const session = await t.services.db.session.findUniqueOrThrow({ where: { id: claims!.sid! } });
    assert.equal(session.revokedReason, 'refresh_token.reused');
    assert.equal(await t.services.db.auditEvent.count({ where: { action: 'refresh_token.reused', targetId: session.id } }), 1);
  });

  it('of 50 concurrent refreshes of one token exactly one succeeds', async () => {
    const { auth, tokens } = await setup(t);
    const results = await Promise.all(Array.from({ length: 50 }, () => tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth)));
    const ok = results.filter((r) => r.statusCode === 200);
    assert.equal(ok.length, 1, results.map((r) => r.statusCode).join(','));
    for (const r of results.filter((r) => r.statusCode !== 200)) expectOAuthError(r, 'invalid_grant', 400);
  });

  it('refuses unknown, expired, another client\'s and disabled users\' tokens', async () => {
    const { auth, tokens, user } = await setup(t);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: 'not-a-token' }, auth), 'invalid_grant', 400);
    const other = await createClient(t.app, { grantTypes: ['refresh_token'], firstParty: true });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { method: 'post', clientId: other.clientId, clientSecret: other.clientSecret! }), 'invalid_grant', 400);
    // a foreign client presenting it is not a reuse: the owner can still refresh
    const still = await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth);
    assert.equal(still.statusCode, 200, still.body);
    const current = still.json().refresh_token;
    await t.services.db.refreshToken.updateMany({ where: { rotatedAt: null, session: { userId: user.id } }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: current }, auth), 'invalid_grant', 400);

    const s2 = await setup(t);
    await t.services.db.user.update({ where: { id: s2.user.id }, data: { disabledAt: new Date() } });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: s2.tokens.refresh_token }, s2.auth), 'invalid_grant', 400);
  });
});

describe('refresh_token grant with REFRESH_REUSE_GRACE_SECONDS', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '30' } }); });
  after(async () => { await t.close(); });

  it('lets a client that lost the response retry once with the token it just rotated', async () => {
    const { auth, tokens } = await setup(t);
    const lost = (await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth)).json();
    const retry = await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth);
    assert.equal(retry.statusCode, 200, retry.body);
    const fresh = retry.json();
    assert.equal(decodeJwt(fresh.access_token).payload.sid, decodeJwt(lost.access_token).payload.sid);
    // the grace works once: a second retry is a reuse and ends the family
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth), 'invalid_grant', 400);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: fresh.refresh_token }, auth), 'invalid_grant', 400);
  });

  it('the lost successor dies when the grace retry is used', async () => {
    const { auth, tokens } = await setup(t);
    const lost = (await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth)).json();
    const retry = (await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, auth)).json();
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: lost.refresh_token }, auth), 'invalid_grant', 400);
    // presenting the dead successor is a reuse: the family is gone
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'refresh_token', refresh_token: retry.refresh_token }, auth), 'invalid_grant', 400);
  });
});
