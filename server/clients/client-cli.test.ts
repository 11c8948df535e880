// `npm run cli -- client create` and `keys rotate` against a real database.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase } from '../test/fixture.ts';
import { createDb, type Db } from '../db/client.ts';
import { sha256 } from '../security/crypto.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

describe('CLI: client create, keys rotate', () => {
  let url: string;
  let db: Db;
  const key = randomBytes(32).toString('base64');
  before(async () => {
    url = await createTestDatabase();
    db = createDb(url, { poolSize: 2 });
  });
  after(async () => { await db.$disconnect(); });

  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: url, ENCRYPTION_KEY: key, REDIS_URL: '', LOG_LEVEL: 'error', DATA_DIR: '/tmp/latchkey-test-data' },
  });

  it('creates a confidential client and prints its secret once, as JSON', async () => {
    const { stdout } = await cli('client', 'create', '--name', 'Billing', '--grants', 'authorization_code,refresh_token', '--redirect-uri', 'https://billing.example.com/cb', '--redirect-uri', 'https://billing.example.com/cb2', '--post-logout-redirect-uri', 'https://billing.example.com/', '--scope', 'reports:read', '--first-party');
    const out = JSON.parse(stdout);
    assert.deepEqual(Object.keys(out).sort(), ['client_id', 'client_secret']);
    const row = await db.client.findUniqueOrThrow({ where: { id: out.client_id } });
    assert.equal(row.secretHash, sha256(out.client_secret));
    assert.deepEqual(row.redirectUris, ['https://billing.example.com/cb', 'https://billing.example.com/cb2']);
    assert.deepEqual(row.grantTypes, ['authorization_code', 'refresh_token']);
    assert.deepEqual(row.scopes, ['reports:read']);
    assert.equal(row.firstParty, true);
    assert.equal(row.public, false);
  });

  it('creates a public client without a secret, and refuses bad input with a clear message', async () => {
    const { stdout } = await cli('client', 'create', '--name', 'SPA', '--grants', 'authorization_code', '--redirect-uri', 'http://localhost:5173/cb', '--public');
    const out = JSON.parse(stdout);
    assert.deepEqual(Object.keys(out), ['client_id']);
    await assert.rejects(cli('client', 'create', '--name', 'X', '--grants', 'implicit'), (err: { stderr: string; code: number }) => err.code === 1 && /unknown grant type implicit/.test(err.stderr));
    await assert.rejects(cli('client', 'create', '--name', 'X', '--grants', 'authorization_code'), (err: { stderr: string }) => /redirect URI/.test(err.stderr));
  });

  it('keys rotate promotes next to current', async () => {
    const before = await db.signingKey.findMany();
    const { stdout } = await cli('keys', 'rotate');
    const out = JSON.parse(stdout);
    const after = await db.signingKey.findMany();
    assert.equal(after.find((k) => k.state === 'current')!.kid, out.current);
    if (before.length) assert.equal(out.current, before.find((k) => k.state === 'next')!.kid);
    assert.equal(after.filter((k) => k.state === 'next').length, 1);
  });
});
