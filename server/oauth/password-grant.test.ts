// RFC 6749 §4.3 password grant (first-party only) and the MFA hook.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createClient, createUser, decodeJwt, expectOAuthError, tokenRequest } from '../test/oauth.ts';
import { takeMfaChallenge } from '../mfa/challenge.ts';
import { leftHalfHash } from './tokens/sign-jwt.ts';

describe('password grant', () => {
  let t: TestContext;
  let fp: { clientId: string; clientSecret?: string };
  before(async () => {
    t = await createTestApp();
    fp = await createClient(t.app, { grantTypes: ['password', 'refresh_token'], firstParty: true });
  });
  after(async () => { await t.close(); });
  const auth = () => ({ method: 'post' as const, clientId: fp.clientId, clientSecret: fp.clientSecret! });

  it('signs a user in with roles and permissions (inherited) and an ID token for openid', async () => {
    const { user, email, password } = await createUser(t.app, { roles: ['admin'], name: 'Ada' });
    const res = await tokenRequest(t.app, { grant_type: 'password', username: email, password, scope: 'openid email profile' }, auth());
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.ok(body.refresh_token, 'the client may refresh, so it gets a refresh token');
    assert.match(body.refresh_token, /^[A-Za-z0-9_-]{43}$/);
    const at = decodeJwt(body.access_token).payload;
    assert.equal(at.sub, user.id);
    assert.ok(at.sid);
    assert.deepEqual(at.roles, ['admin']);
    assert.ok(at.permissions.includes('users:write'));
    assert.equal(at.scope, 'openid email profile');
    const id = decodeJwt(body.id_token);
    assert.equal(id.header.typ, 'JWT');
    assert.equal(id.payload.aud, fp.clientId);
    assert.equal(id.payload.sub, user.id);
    assert.deepEqual(id.payload.amr, ['pwd']);
    assert.equal(id.payload.email, email);
    assert.equal(id.payload.email_verified, true);
    assert.equal(id.payload.name, 'Ada');
    assert.equal(id.payload.at_hash, leftHalfHash(body.access_token, 'ES256'));
    assert.equal(typeof id.payload.auth_time, 'number');
    const stored = await t.services.db.refreshToken.findMany({ where: { session: { userId: user.id } } });
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]!.tokenHash, body.refresh_token, 'only the hash is stored');
  });

  it('gives the same invalid_grant for a wrong password and an unknown email, and audits both', async () => {
    const { email } = await createUser(t.app);
    const wrong = await tokenRequest(t.app, { grant_type: 'password', username: email, password: 'nope-nope-nope' }, auth());
    const unknown = await tokenRequest(t.app, { grant_type: 'password', username: 'ghost@example.com', password: 'nope-nope-nope' }, auth());
    const a = expectOAuthError(wrong, 'invalid_grant', 400);
    const b = expectOAuthError(unknown, 'invalid_grant', 400);
    assert.deepEqual(a, b);
    assert.ok((await t.services.db.auditEvent.count({ where: { action: 'login.failed' } })) >= 2);
  });

  it('refuses disabled users, and unverified users only after a correct password', async () => {
    const disabled = await createUser(t.app, { disabled: true });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'password', username: disabled.email, password: disabled.password }, auth()), 'invalid_grant', 400);
    const unverified = await createUser(t.app, { verified: false });
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'password', username: unverified.email, password: 'wrong-password' }, auth()), 'invalid_grant', 400);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'password', username: unverified.email, password: unverified.password }, auth()), 'email_not_verified', 403);
  });

  it('answers 403 mfa_required with a single-use mfa_token when TOTP is on', async () => {
    const { user, email, password } = await createUser(t.app);
    await t.services.db.userMfa.create({ data: { userId: user.id, secretEnc: 'x', enabledAt: new Date() } });
    const res = await tokenRequest(t.app, { grant_type: 'password', username: email, password, scope: 'openid' }, auth());
    const body = expectOAuthError(res, 'mfa_required', 403);
    assert.equal(typeof body.mfa_token, 'string');
    const challenge = await takeMfaChallenge(t.app, body.mfa_token as string);
    assert.equal(challenge?.userId, user.id);
    assert.equal(challenge?.clientId, fp.clientId);
    assert.equal(challenge?.scope, 'openid');
    assert.equal(await takeMfaChallenge(t.app, body.mfa_token as string), null, 'single use');
    assert.equal(await t.services.db.session.count({ where: { userId: user.id } }), 0, 'no session before the second factor');
  });

  it('is refused for third-party clients even when listed', async () => {
    const tp = await createClient(t.app, { grantTypes: ['password'] });
    const { email, password } = await createUser(t.app);
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'password', username: email, password }, { method: 'post', clientId: tp.clientId, clientSecret: tp.clientSecret! }), 'unauthorized_client', 400);
  });

  it('requires username and password', async () => {
    expectOAuthError(await tokenRequest(t.app, { grant_type: 'password', username: 'a@example.com' }, auth()), 'invalid_request', 400);
  });
});
