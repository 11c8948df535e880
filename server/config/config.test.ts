import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadConfig, ConfigError } from './config.ts';
import { variables } from './variables.ts';
import { databasePoolSize } from '../runtime.ts';
import { availableParallelism } from 'node:os';

const key = randomBytes(32).toString('base64');
const base = { DATA_DIR: '/tmp/latchkey-config-test', ENCRYPTION_KEY: key };

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig(base);
    assert.equal(c.port, 3000);
    assert.equal(c.issuer, 'http://localhost:3000');
    assert.equal(c.accessTokenTtl, 900);
    assert.equal(c.refreshTokenTtl, 30 * 86400);
    assert.equal(c.signingAlg, 'ES256');
    assert.deepEqual(c.argon2, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    assert.equal(c.databaseUrl, undefined);
    assert.equal(c.rateLimitEnabled, true);
  });

  it('sizes the database pool to the embedded PostgreSQL\'s cores, 10 for another server, or as told', () => {
    assert.equal(databasePoolSize(loadConfig(base), true), 2 * availableParallelism());
    assert.equal(databasePoolSize(loadConfig(base), false), 10);
    const told = loadConfig({ ...base, DATABASE_POOL_SIZE: '3' });
    assert.equal(told.databasePoolSize, 3);
    assert.equal(databasePoolSize(told, true), 3);
    assert.equal(databasePoolSize(told, false), 3);
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ PORT: 'abc' }, /^PORT must be a whole number/],
    [{ PORT: '70000' }, /^PORT must be between/],
    [{ ISSUER: 'not a url' }, /^ISSUER must be a URL/],
    [{ DATABASE_URL: 'mysql://x' }, /^DATABASE_URL must use postgres/],
    [{ DATABASE_POOL_SIZE: '0' }, /^DATABASE_POOL_SIZE must be between 1 and 1000/],
    [{ DATABASE_POOL_SIZE: 'four' }, /^DATABASE_POOL_SIZE must be a whole number/],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL must use redis/],
    [{ ACCESS_TOKEN_TTL: 'ten minutes' }, /^ACCESS_TOKEN_TTL must be a duration/],
    [{ SIGNING_ALG: 'HS256' }, /^SIGNING_ALG must be one of ES256, EdDSA, RS256/],
    [{ RATE_LIMIT_ENABLED: 'maybe' }, /^RATE_LIMIT_ENABLED must be true or false/],
    [{ ENCRYPTION_KEY: 'short' }, /^ENCRYPTION_KEY must be at least 32 random bytes/],
    [{ ENCRYPTION_KEY: 'a'.repeat(64) }, /^ENCRYPTION_KEY is not random enough/],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@b.c' }, /BOOTSTRAP_ADMIN_PASSWORD must be set together/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV must be one of/],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)} naming the variable`, () => {
      assert.throws(() => loadConfig({ ...base, ...env }), (err: Error) => err instanceof ConfigError && message.test(err.message));
    });
  }

  it('refuses a missing encryption key in production', () => {
    assert.throws(() => loadConfig({ NODE_ENV: 'production', ISSUER: 'https://id.example.com', DATA_DIR: base.DATA_DIR }), /ENCRYPTION_KEY is required in production/);
  });

  it('refuses an http issuer in production, except localhost', () => {
    assert.throws(() => loadConfig({ ...base, NODE_ENV: 'production', ISSUER: 'http://id.example.com' }), /ISSUER must use https/);
    assert.equal(loadConfig({ ...base, NODE_ENV: 'production', ISSUER: 'http://localhost:3000' }).issuer, 'http://localhost:3000');
  });

  it('generates and then reuses a development key when none is given', () => {
    const dir = `/tmp/latchkey-config-test-${Date.now()}`;
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    assert.equal(a.encryptionKey.length, 32);
    assert.deepEqual(a.encryptionKey, b.encryptionKey);
    rmSync(dir, { recursive: true, force: true });
  });

  it('documents every variable in .env.example and README.md', () => {
    const example = readFileSync('.env.example', 'utf8');
    const readme = readFileSync('README.md', 'utf8');
    for (const v of variables) {
      assert.match(example, new RegExp(`^#? ?${v.name}=`, 'm'), `${v.name} missing from .env.example`);
      assert.ok(readme.includes(`\`${v.name}\``), `${v.name} missing from README.md`);
    }
  });
});
