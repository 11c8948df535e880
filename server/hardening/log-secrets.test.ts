// No secret in any log line (DESIGN §6): a full account life cycle runs with
// the production logger configuration (redaction, serializers) at level trace
// into memory; then every password, token, code, secret and hash the flow
// produced or stored is searched for in every line, raw and URL-encoded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { generate } from 'otplib';
import { createTestApp } from '../test/fixture.ts';
import { startMailCatcher } from '../test/mail-catcher.ts';
import { tokenFromMail } from '../accounts/testing.ts';
import { basicAuth, bearer, createClient, formPost } from '../test/oauth.ts';
import { loggerOptions } from '../http/logger.ts';
import { sha256 } from '../security/crypto.ts';
import type { Config } from '../config/config.ts';

test('a full flow logged at trace level leaks no password, token, code, secret or hash', async () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const mail = await startMailCatcher();
  const logger = { ...(loggerOptions({ logLevel: 'trace' } as Config) as object), level: 'trace', stream };
  const t = await createTestApp({ env: { SMTP_URL: mail.url, LOG_LEVEL: 'trace' }, logger: logger as never });
  const secrets = new Map<string, string>();
  const keep = (label: string, value: unknown) => {
    if (typeof value === 'string' && value.length >= 6) secrets.set(value, label);
  };
  try {
    const app = t.app;
    const post = (url: string, payload: object, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload, headers });
    const email = `secret.${Date.now()}@example.test`;
    const password = 'Password-Lilac-Spoon-4711';
    const wrongPassword = 'Wrong-Guess-Parsnip-0815';
    const newPassword = 'Reset-Marble-Otter-2323';
    keep('password', password);
    keep('wrong password', wrongPassword);
    keep('new password', newPassword);
    keep('encryption key', t.config.encryptionKey.toString('base64'));
    keep('encryption key (hex)', t.config.encryptionKey.toString('hex'));

    // register + verify
    assert.equal((await post('/auth/register', { email, password, name: 'Secret Tester' })).statusCode, 201);
    const verifyToken = tokenFromMail(await mail.waitFor(email, { subject: /confirm/i }));
    keep('verification token', verifyToken);
    assert.equal((await post('/auth/email/verification/confirm', { token: verifyToken })).statusCode, 204);

    // sign in (a wrong password first), refresh, me
    assert.equal((await post('/auth/login', { email, password: wrongPassword })).statusCode, 401);
    const login = await post('/auth/login', { email, password });
    assert.equal(login.statusCode, 200, login.body);
    let pair = login.json();
    keep('access token', pair.access_token);
    keep('refresh token', pair.refresh_token);
    const refreshed = await post('/auth/refresh', { refresh_token: pair.refresh_token });
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    pair = refreshed.json();
    keep('access token 2', pair.access_token);
    keep('refresh token 2', pair.refresh_token);
    assert.equal((await app.inject({ method: 'GET', url: '/auth/me', headers: bearer(pair.access_token) })).statusCode, 200);

    // TOTP: setup, enable, then a sign-in with the second factor (recovery code)
    const setup = await post('/auth/mfa/totp/setup', {}, bearer(pair.access_token));
    assert.equal(setup.statusCode, 200, setup.body);
    const { secret, otpauth_uri } = setup.json();
    keep('totp secret', secret);
    keep('otpauth uri', otpauth_uri);
    const code = await generate({ secret });
    keep('totp code', code);
    const enabled = await post('/auth/mfa/totp/enable', { code }, bearer(pair.access_token));
    assert.equal(enabled.statusCode, 200, enabled.body);
    const recovery: string[] = enabled.json().recovery_codes;
    recovery.forEach((c, i) => keep(`recovery code ${i}`, c));
    const mfaLogin = await post('/auth/login', { email, password });
    assert.equal(mfaLogin.statusCode, 403, mfaLogin.body);
    keep('mfa token', mfaLogin.json().mfa_token);
    assert.equal((await post('/auth/mfa/verify', { mfa_token: mfaLogin.json().mfa_token, code: '000000' })).statusCode, 401);
    const mfaLogin2 = await post('/auth/login', { email, password });
    keep('mfa token 2', mfaLogin2.json().mfa_token);
    const verified = await post('/auth/mfa/verify', { mfa_token: mfaLogin2.json().mfa_token, recovery_code: recovery[0] });
    assert.equal(verified.statusCode, 200, verified.body);
    keep('access token 3', verified.json().access_token);
    keep('refresh token 3', verified.json().refresh_token);

    // password reset by mail
    assert.equal((await post('/auth/password/reset/request', { email })).statusCode, 202);
    const resetToken = tokenFromMail(await mail.waitFor(email, { subject: /reset/i }));
    keep('reset token', resetToken);
    assert.equal((await post('/auth/password/reset/confirm', { token: resetToken, new_password: newPassword })).statusCode, 204);

    // a confidential client: client_credentials, introspection, revocation
    const { clientId, clientSecret } = await createClient(app, { grantTypes: ['client_credentials'] });
    keep('client secret', clientSecret);
    const cc = await formPost(app, '/oauth/token', { grant_type: 'client_credentials' }, { method: 'basic', clientId, clientSecret: clientSecret! });
    assert.equal(cc.statusCode, 200, cc.body);
    keep('client access token', cc.json().access_token);
    keep('basic auth header', basicAuth(clientId, clientSecret!));
    if (app.hasRoute({ method: 'POST', url: '/oauth/introspect' })) {
      await formPost(app, '/oauth/introspect', { token: cc.json().access_token }, { method: 'post', clientId, clientSecret: clientSecret! });
      await formPost(app, '/oauth/revoke', { token: cc.json().access_token }, { method: 'post', clientId, clientSecret: clientSecret! });
    }
    // secrets carried in query strings (pages) must not reach the log either
    await app.inject({ method: 'GET', url: `/verify-email?token=${encodeURIComponent(verifyToken)}` });
    await app.inject({ method: 'GET', url: `/reset-password?token=${encodeURIComponent(resetToken)}` });

    // what is stored: hashes and ciphertexts
    const user = await app.db.user.findUniqueOrThrow({ where: { emailCanonical: email }, include: { mfa: true } });
    keep('password hash', user.passwordHash);
    keep('password hash (argon2 digest)', user.passwordHash?.split('$').pop());
    keep('totp secret ciphertext', (user as unknown as { mfa?: { secretEnc?: string } }).mfa?.secretEnc);
    for (const r of await app.db.refreshToken.findMany({ where: { session: { userId: user.id } } })) keep('refresh token hash', (r as unknown as { tokenHash: string }).tokenHash);
    for (const s of [pair.refresh_token, verifyToken, resetToken]) keep('sha256 of a token', sha256(s));
    for (const c of await app.db.client.findMany({ where: { id: clientId } })) keep('client secret hash', (c as unknown as { secretHash?: string }).secretHash);
  } finally {
    await t.close();
    await mail.close();
  }

  assert.ok(lines.length > 30, `only ${lines.length} log lines were captured`);
  assert.ok(lines.some((l) => l.includes('"reqId"')), 'request logs were captured');
  const leaks: string[] = [];
  for (const line of lines) {
    for (const [value, label] of secrets) {
      const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)];
      const numeric = /^\d+$/.test(value);
      if (forms.some((f) => (numeric ? new RegExp(`(?<![0-9])${f}(?![0-9])`).test(line) : line.includes(f)))) leaks.push(`${label} in: ${line.slice(0, 300)}`);
    }
  }
  console.log(`# log secrets: ${lines.length} log lines checked against ${secrets.size} secret values`);
  assert.deepEqual(leaks, []);
});
