import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { KeyRing } from './key-ring.ts';
import { ensureSigningKeys, rotateSigningKeys } from './rotate-keys.ts';
import { generateSigningKey, importPrivateKey } from './key-material.ts';
import { randomBytes } from 'node:crypto';

describe('signing keys', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('creates exactly one current and one next ES256 key on first start, even when instances race', async () => {
    await t.services.db.signingKey.deleteMany();
    await Promise.all(Array.from({ length: 5 }, () => ensureSigningKeys(t.services)));
    const keys = await t.services.db.signingKey.findMany();
    assert.equal(keys.filter((k) => k.state === 'current').length, 1);
    assert.equal(keys.filter((k) => k.state === 'next').length, 1);
    assert.ok(keys.every((k) => k.alg === 'ES256'));
  });

  it('stores the private key encrypted, never as a JWK with d in clear', async () => {
    const key = await t.services.db.signingKey.findFirstOrThrow({ where: { state: 'current' } });
    assert.doesNotMatch(key.privateJwkEnc, /"d"/);
    assert.equal((key.publicJwk as Record<string, unknown>).d, undefined);
    await assert.rejects(importPrivateKey(key, randomBytes(32)), 'another encryption key cannot open it');
    await importPrivateKey(key, t.config.encryptionKey);
  });

  it('rotation promotes next→current→previous→retired and another instance sees it within its cache TTL', async () => {
    const other = new KeyRing(t.services, 50);
    const before = await other.signingKey();
    const r = await rotateSigningKeys(t.services);
    assert.equal(r.previous, before.kid);
    await new Promise((res) => setTimeout(res, 60));
    assert.equal((await other.signingKey()).kid, r.current);
    const jwks = await other.jwks();
    assert.deepEqual(new Set(jwks.keys.map((k) => k.kid)), new Set([r.current, r.next, before.kid]));
    assert.ok(jwks.keys.every((k) => !('d' in k)));
    await rotateSigningKeys(t.services);
    await new Promise((res) => setTimeout(res, 60));
    assert.equal(await other.verificationKey(before.kid, 'ES256'), null, 'a retired key verifies nothing');
    assert.equal((await t.services.db.signingKey.findUniqueOrThrow({ where: { kid: before.kid } })).state, 'retired');
  });

  it('answers the signing key without waiting only while its keys are fresh', async () => {
    const ring = new KeyRing(t.services, 50);
    assert.equal(ring.freshSigningKey(), undefined, 'nothing loaded yet');
    const loaded = await ring.signingKey();
    assert.equal(ring.freshSigningKey(), loaded);
    ring.invalidate();
    assert.equal(ring.freshSigningKey(), undefined, 'after invalidate()');
    await ring.signingKey();
    const r = await rotateSigningKeys(t.services);
    await new Promise((res) => setTimeout(res, 60));
    assert.equal(ring.freshSigningKey(), undefined, 'after the TTL: a rotation elsewhere must be seen');
    assert.equal((await ring.signingKey()).kid, r.current);
    assert.equal(ring.freshSigningKey()?.kid, r.current);
  });

  it('pins the algorithm to the key: a kid with another alg is refused', async () => {
    const ring = new KeyRing(t.services);
    const { kid } = await ring.signingKey();
    assert.ok(await ring.verificationKey(kid, 'ES256'));
    assert.equal(await ring.verificationKey(kid, 'HS256'), null);
    assert.equal(await ring.verificationKey(kid, 'none'), null);
    assert.equal(await ring.verificationKey(undefined, 'ES256'), null);
  });

  it('generates EdDSA and RS256 keys when configured', async () => {
    for (const alg of ['EdDSA', 'RS256'] as const) {
      const k = await generateSigningKey(alg, t.config.encryptionKey);
      assert.equal(k.alg, alg);
      assert.equal(k.publicJwk.kid, k.kid);
    }
  });
});

describe('signing keys under another ENCRYPTION_KEY', () => {
  it('the app refuses to start with a clear message instead of failing every token request', async () => {
    const t = await createTestApp();
    const { buildApp } = await import('../app.ts');
    const { testConfig } = await import('../test/fixture.ts');
    const { createDb } = await import('../db/client.ts');
    const { createMetrics } = await import('../ops/metrics.ts');
    const config = testConfig({ DATABASE_URL: t.config.databaseUrl!, ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    const db = createDb(t.config.databaseUrl!, { poolSize: 2 });
    try {
      await assert.rejects(async () => {
        const app = await buildApp({ config, db, store: t.services.store, metrics: createMetrics() }, { logger: false });
        try { await app.ready(); } finally { await app.close(); }
      }, /ENCRYPTION_KEY/);
    } finally {
      await db.$disconnect();
      await t.close();
    }
  });
});
