// Several instances behind one load balancer (DESIGN §6): two Latchkey
// processes on their own ports share one Postgres database and one Redis and
// behave as one. They start together from an EMPTY database (migrations and
// the bootstrap admin under one lock, no race).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { postJson, startServer, waitReady, type ServerProcess } from '../test/server-process.ts';

const run = promisify(execFile);

async function emptyDatabase(): Promise<string> {
  const name = `inst_${randomUUID().replace(/-/g, '')}`;
  const admin = new pg.Client({ connectionString: process.env.TEST_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name} TEMPLATE template0`);
  await admin.end();
  const url = new URL(process.env.TEST_ADMIN_DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.href;
}

const kids = async (s: ServerProcess) => new Set(((await (await fetch(`${s.url}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid));

test('two instances, one Postgres and one Redis: they start together on an empty database and act as one', async (tt) => {
  const env = {
    DATABASE_URL: await emptyDatabase(),
    // one public issuer for both, as behind a load balancer (the default would differ per port)
    ISSUER: 'http://localhost:3000',
    REDIS_URL: process.env.TEST_REDIS_URL!,
    REDIS_PREFIX: `instances:${randomUUID()}:`,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_EMAIL: 'root@example.test',
    BOOTSTRAP_ADMIN_PASSWORD: 'Granite-Heron-Lamp-77',
    RATE_LIMIT_ENABLED: 'true',
    RATE_LIMIT_LOGIN: '6/1m',
    TRUST_PROXY: 'true',
  };
  const [a, b] = await Promise.all([startServer(env), startServer(env)]);
  try {
    const [readyA, readyB] = await Promise.all([waitReady(a), waitReady(b)]);
    const client = new pg.Client({ connectionString: env.DATABASE_URL });
    await client.connect();
    const users = await client.query('SELECT email FROM users');
    const migrations = await client.query('SELECT count(*)::int AS n, count(DISTINCT migration_name)::int AS d FROM _prisma_migrations');
    await client.end();
    assert.deepEqual(users.rows, [{ email: 'root@example.test' }], 'one bootstrap admin, not two');
    assert.equal(migrations.rows[0].n, migrations.rows[0].d, 'each migration applied once');

    // sign in on A, refresh on B, sign out on B: A refuses the access token at once
    const from = { 'x-forwarded-for': '198.51.100.1' };
    const login = await postJson(a.url, '/auth/login', { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }, from);
    assert.equal(login.status, 200, login.body);
    const refreshed = await postJson(b.url, '/auth/refresh', { refresh_token: login.json().refresh_token }, from);
    assert.equal(refreshed.status, 200, refreshed.body);
    const access = refreshed.json().access_token as string;
    const me = (s: ServerProcess, token: string) => fetch(`${s.url}/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    const diag = async () => {
      const c = new pg.Client({ connectionString: env.DATABASE_URL });
      await c.connect();
      const keys = await c.query('SELECT kid, state, created_at FROM signing_keys ORDER BY created_at');
      await c.end();
      const kid = JSON.parse(Buffer.from(access.split('.')[0]!, 'base64url').toString()).kid;
      return `token kid ${kid}; A jwks ${[...(await kids(a))]}; B jwks ${[...(await kids(b))]}; rows ${JSON.stringify(keys.rows)}; A says ${await fetch(`${a.url}/auth/me`, { headers: { authorization: `Bearer ${access}` } }).then((r) => r.text())}`;
    };
    assert.equal(await me(a, access), 200, await diag());
    // a profile change made on B shows in A's /auth/me at once, though A holds the profile in memory
    const profile = async (s: ServerProcess) => (await fetch(`${s.url}/auth/me`, { headers: { authorization: `Bearer ${access}` } })).json() as Promise<{ id: string; name: string | null }>;
    const { id: adminId } = await profile(a);
    const renamed = await fetch(`${b.url}/admin/api/users/${adminId}`, { method: 'PATCH', headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Renamed On B' }) });
    assert.equal(renamed.status, 200, await renamed.text());
    assert.equal((await profile(a)).name, 'Renamed On B');
    // the rotated-away refresh token is dead on A too
    assert.equal((await postJson(a.url, '/auth/refresh', { refresh_token: login.json().refresh_token }, from)).status, 401);
    // ...and its reuse ended the session everywhere (RFC 9700 §4.14.2): B refuses the access token B issued
    assert.equal(await me(b, access), 401, 'reuse detected on A ends the session on B');
    const second = await postJson(a.url, '/auth/login', { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }, from);
    const token2 = second.json().access_token as string;
    const logout = await postJson(b.url, '/auth/logout', {}, { authorization: `Bearer ${token2}` });
    assert.equal(logout.status, 204, logout.body);
    assert.equal(await me(a, token2), 401, 'a session ended on B is ended on A at once');
    assert.equal(await me(b, token2), 401);

    // rate-limit counters add up across both instances
    const ip = { 'x-forwarded-for': '203.0.113.77' };
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) codes.push((await postJson(i % 2 ? b.url : a.url, '/auth/login', { email: `nobody${i}@example.test`, password: 'wrong-wrong-wrong' }, ip)).status);
    assert.deepEqual(codes, [401, 401, 401, 401, 401, 401]);
    const limitedA = await postJson(a.url, '/auth/login', { email: 'nobody@example.test', password: 'x' }, ip);
    const limitedB = await postJson(b.url, '/auth/login', { email: 'nobody@example.test', password: 'x' }, ip);
    assert.equal(limitedA.status, 429);
    assert.equal(limitedB.status, 429);
    assert.ok(Number(limitedB.headers.get('retry-after')) > 0);

    // a key rotation by the CLI (A's configuration) shows in B's JWKS, and A's new tokens verify on B
    const preRotation = (await postJson(a.url, '/auth/login', { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }, { 'x-forwarded-for': '198.51.100.3' })).json().access_token as string;
    const before = await kids(b);
    const cli = await run(process.execPath, ['--import', 'tsx', 'server/cli/main.ts', 'keys', 'rotate'], { env: { PATH: process.env.PATH!, NODE_ENV: 'test', ...env } });
    assert.ok(cli.stdout.length > 0 || cli.stderr.length >= 0);
    const t0 = Date.now();
    let after = await kids(b);
    while ([...after].every((k) => before.has(k)) && Date.now() - t0 < 15_000) {
      await new Promise((r) => setTimeout(r, 250));
      after = await kids(b);
    }
    const seenAfter = Date.now() - t0;
    assert.ok([...after].some((k) => !before.has(k)), `B's JWKS still ${[...after]} after rotation (before ${[...before]})`);
    await new Promise((r) => setTimeout(r, 5500)); // A's signing-key cache (5 s) picks up the new current key
    const fresh = await postJson(a.url, '/auth/login', { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }, { 'x-forwarded-for': '198.51.100.2' });
    assert.equal(fresh.status, 200, fresh.body);
    assert.equal(await me(b, fresh.json().access_token), 200);
    assert.equal(await me(b, preRotation), 200, 'tokens signed before the rotation still verify');

    const exitCodes = await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);
    assert.deepEqual(exitCodes, [0, 0], `exit codes; output:\n${a.output().slice(-2000)}\n${b.output().slice(-2000)}`);
    const msg = `instances: both ready in ${readyA} / ${readyB} ms from an empty database; rotation visible in B's JWKS after ${seenAfter} ms`;
    tt.diagnostic(msg);
    console.log(`# ${msg}`);
  } finally {
    await Promise.all([a.stop('SIGKILL'), b.stop('SIGKILL')]);
  }
});
