// SIGNING_ALG=EdDSA and RS256: tokens signed with either verify against the
// published JWKS (with jose, independently of Latchkey's own verifier).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createTestApp } from '../test/fixture.ts';
import { bearer, createUser, decodeJwt, tokenRequest } from '../test/oauth.ts';
import { leftHalfHash } from '../oauth/tokens/sign-jwt.ts';

for (const alg of ['EdDSA', 'RS256', 'ES256'] as const) {
  describe(`SIGNING_ALG=${alg}`, () => {
    it('signs access and ID tokens that verify against /oauth/jwks and work as Bearer tokens', async () => {
      const t = await createTestApp({ env: { SIGNING_ALG: alg } });
      try {
        const { email, password } = await createUser(t.app);
        const res = await tokenRequest(t.app, { grant_type: 'password', username: email, password, scope: 'openid' }, { method: 'none', clientId: 'latchkey' });
        assert.equal(res.statusCode, 200, res.body);
        const { access_token, id_token } = res.json();
        const jwks = createLocalJWKSet((await t.app.inject('/oauth/jwks')).json());
        const at = await jwtVerify(access_token, jwks, { issuer: t.config.issuer, typ: 'at+jwt', algorithms: [alg] });
        assert.equal(at.protectedHeader.alg, alg);
        const id = await jwtVerify(id_token, jwks, { issuer: t.config.issuer, audience: 'latchkey', algorithms: [alg] });
        assert.equal(id.payload.at_hash, leftHalfHash(access_token, alg));
        assert.equal(decodeJwt(access_token).header.typ, 'at+jwt');
        assert.equal((await t.app.inject({ url: '/auth/me', headers: bearer(access_token) })).statusCode, 200);
      } finally {
        await t.close();
      }
    });
  });
}
