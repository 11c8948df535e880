// No user enumeration (DESIGN §6): sign-in, registration, password reset and
// verification requests answer the same, in the same time, for existing and
// unknown emails. Timing: 40 interleaved samples of each kind, compared by
// median against the cost of one argon2 verification with the production
// (OWASP) parameters. A missing dummy hash makes unknown emails faster by a
// whole hash, several times the bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { createUser, uniqueEmail } from '../test/oauth.ts';
import { verifyPasswordLogin } from '../accounts/password-login.ts';
import { PasswordHasher } from '../security/passwords.ts';
import { HttpError } from '../http/errors.ts';
import { compareTimings, stableComparison, type Comparison } from './timing.ts';

const N = Number(process.env.TIMING_SAMPLES ?? 40);
const strongPassword = () => `Tr4il-${randomBytes(9).toString('base64url')}-mountain`;

let t: TestContext;
let hashMs = 0;
const results: Record<string, Comparison & { rounds: number; bound: number }> = {};

test.before(async () => {
  // production argon2 cost so one hash clearly stands out of the request noise
  t = await createTestApp({ env: { ARGON2_MEMORY_KIB: '19456', ARGON2_ITERATIONS: '2', LOCKOUT_THRESHOLD: '1000' } });
  const hasher = new PasswordHasher(t.config.argon2);
  const hash = await hasher.hash('some password');
  const xs: number[] = [];
  for (let i = 0; i < 11; i++) {
    const t0 = performance.now();
    await hasher.verify(hash, 'wrong password');
    xs.push(performance.now() - t0);
  }
  // the fastest run is the hash's own cost, free of a busy neighbour's noise
  hashMs = Math.min(...xs);
});

test.after(async () => {
  console.log(`# enumeration timing (argon2 verify ${hashMs.toFixed(1)} ms; medians over ${N} interleaved samples each)`);
  for (const [k, r] of Object.entries(results)) {
    console.log(`#   ${k}: known ${r.known.toFixed(2)} ms, unknown ${r.unknown.toFixed(2)} ms, diff ${r.diff.toFixed(2)} ms (bound ${r.bound.toFixed(1)} ms, round ${r.rounds})`);
  }
  await t.close();
});

/** the response as the client sees it, without the parts that differ per request */
async function answer(app: FastifyInstance, url: string, payload: object) {
  const res = await app.inject({ method: 'POST', url, payload });
  const body = res.body ? (res.json() as Record<string, unknown>) : {};
  return { status: res.statusCode, body };
}

async function check(name: string, known: (i: number) => Promise<unknown>, unknown: (i: number) => Promise<unknown>, bound = hashMs / 2) {
  const r = await stableComparison(() => compareTimings(known, unknown, N), (c) => Math.abs(c.diff) < bound);
  results[name] = { ...r, bound };
  assert.ok(Math.abs(r.diff) < bound, `${name}: median known ${r.known.toFixed(2)} ms vs unknown ${r.unknown.toFixed(2)} ms differ by ${r.diff.toFixed(2)} ms (bound ${bound.toFixed(1)} ms, one argon2 verify ${hashMs.toFixed(1)} ms)`);
}

test('the measurement can see one argon2 hash (the test is able to fail)', async () => {
  assert.ok(hashMs > 5, `argon2 verify took ${hashMs} ms`);
  const hasher = new PasswordHasher(t.config.argon2);
  const hash = await hasher.hash('x');
  const leak = await compareTimings(() => hasher.verify(hash, 'y'), async () => false, 15, 1);
  assert.ok(leak.diff > hashMs / 2, `a path without the dummy hash differs by ${leak.diff} ms`);
});

test('sign-in: same answer and time for an existing and an unknown email', async () => {
  const { email } = await createUser(t.app);
  const signIn = async (e: string) => {
    try {
      await verifyPasswordLogin(t.app, { email: e, password: 'not the password', ip: '10.9.9.9' });
      return 'ok';
    } catch (err) {
      return err instanceof HttpError ? `${err.statusCode} ${err.code} ${err.description}` : String(err);
    }
  };
  assert.equal(await signIn(email), await signIn(uniqueEmail('nobody')));
  await check('sign-in (verifyPasswordLogin)', () => signIn(email), () => signIn(uniqueEmail('nobody')));

  const viaApi = t.app.hasRoute({ method: 'POST', url: '/auth/login' });
  if (viaApi) {
    const known = await answer(t.app, '/auth/login', { email, password: 'not the password' });
    const unknown = await answer(t.app, '/auth/login', { email: uniqueEmail('nobody'), password: 'not the password' });
    assert.deepEqual(known, unknown);
    assert.equal(known.status, 401);
    await check('POST /auth/login', () => t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password: 'nope nope' } }), () => t.app.inject({ method: 'POST', url: '/auth/login', payload: { email: uniqueEmail('nobody'), password: 'nope nope' } }));
  }
});

test('registration: 201 and the same time whether or not the email is taken', async () => {
  const { email } = await createUser(t.app);
  const known = await answer(t.app, '/auth/register', { email, password: strongPassword() });
  const unknown = await answer(t.app, '/auth/register', { email: uniqueEmail('fresh'), password: strongPassword() });
  assert.deepEqual(known, unknown);
  assert.equal(known.status, 201);
  const users = await t.app.db.user.count();
  await check(
    'POST /auth/register',
    () => t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: strongPassword() } }),
    () => t.app.inject({ method: 'POST', url: '/auth/register', payload: { email: uniqueEmail('fresh'), password: strongPassword() } }),
  );
  assert.ok((await t.app.db.user.count()) > users, 'the unknown emails really registered');
});

test('password reset request: 202 and the same time for any address', async () => {
  const { email } = await createUser(t.app);
  const known = await answer(t.app, '/auth/password/reset/request', { email });
  const unknown = await answer(t.app, '/auth/password/reset/request', { email: uniqueEmail('nobody') });
  assert.deepEqual(known, unknown);
  assert.equal(known.status, 202);
  await check(
    'POST /auth/password/reset/request',
    () => t.app.inject({ method: 'POST', url: '/auth/password/reset/request', payload: { email } }),
    () => t.app.inject({ method: 'POST', url: '/auth/password/reset/request', payload: { email: uniqueEmail('nobody') } }),
  );
});

test('verification request: 202 and the same time for an unverified account and an unknown address', async () => {
  const { email } = await createUser(t.app, { verified: false });
  const known = await answer(t.app, '/auth/email/verification/request', { email });
  const unknown = await answer(t.app, '/auth/email/verification/request', { email: uniqueEmail('nobody') });
  assert.deepEqual(known, unknown);
  assert.equal(known.status, 202);
  await check(
    'POST /auth/email/verification/request',
    () => t.app.inject({ method: 'POST', url: '/auth/email/verification/request', payload: { email } }),
    () => t.app.inject({ method: 'POST', url: '/auth/email/verification/request', payload: { email: uniqueEmail('nobody') } }),
  );
});
