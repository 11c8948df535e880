// Production refuses to start with missing or default secrets (DESIGN §3, issue
// "Secrets"): the example key, a short key, a key of repeated bytes, none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/config.ts';

const base = { NODE_ENV: 'production', ISSUER: 'https://id.example.com', DATA_DIR: '/tmp/latchkey-prod-secrets' };

test('production refuses missing, example, short and low-entropy encryption keys', () => {
  for (const key of [undefined, '', 'change-me', 'changeme', 'CHANGE_ME', randomBytes(16).toString('base64'), 'a'.repeat(64), Buffer.alloc(32, 7).toString('base64')]) {
    assert.throws(() => loadConfig({ ...base, ...(key === undefined ? {} : { ENCRYPTION_KEY: key }) }), /ENCRYPTION_KEY/, `key ${JSON.stringify(key)} must be refused`);
  }
  assert.equal(loadConfig({ ...base, ENCRYPTION_KEY: randomBytes(32).toString('base64') }).env, 'production');
});

test('production refuses a plain-http public issuer and a bootstrap admin without a usable password', () => {
  const key = randomBytes(32).toString('base64');
  assert.throws(() => loadConfig({ ...base, ENCRYPTION_KEY: key, ISSUER: 'http://id.example.com' }), /ISSUER/);
  assert.throws(() => loadConfig({ ...base, ENCRYPTION_KEY: key, BOOTSTRAP_ADMIN_EMAIL: 'root@example.com' }), /BOOTSTRAP_ADMIN_PASSWORD/);
  assert.throws(() => loadConfig({ ...base, ENCRYPTION_KEY: key, BOOTSTRAP_ADMIN_EMAIL: 'root@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'short' }), /BOOTSTRAP_ADMIN_PASSWORD/);
});
