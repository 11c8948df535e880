// DESIGN §6: several instances on one Postgres and Redis behave as one. A
// session ended on instance A is ended on B at once, although B had the
// token in its verified-token cache; a key rotation is seen by both.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { bearer, createUser, decodeJwt, login } from '../test/oauth.ts';
import { RedisStore } from '../store/redis-store.ts';
import { createDb } from '../db/client.ts';
import { createMetrics } from '../ops/metrics.ts';
import { buildApp } from '../app.ts';
import { rotateSigningKeys } from '../keys/rotate-keys.ts';
import { keyRing } from '../keys/key-ring.ts';

describe('two instances sharing Postgres and Redis', () => {
  let a: TestContext;
  let b: FastifyInstance;
  let closeB: () => Promise<void>;
  before(async () => {
    const prefix = `test:${randomUUID()}:`;
    a = await createTestApp({ store: new RedisStore(process.env.TEST_REDIS_URL!, prefix) });
    const store = new RedisStore(process.env.TEST_REDIS_URL!, prefix);
    await store.connect();
    const db = createDb(a.config.databaseUrl!, { poolSize: 3 });
    b = await buildApp({ config: a.config, db, store, metrics: createMetrics() }, { logger: false });
    await b.ready();
    closeB = async () => { await b.close(); await store.close(); await db.$disconnect(); };
  });
  after(async () => { await closeB(); await a.close(); });

  it('a logout on A stops the access token on B at once', async () => {
    const { email, password } = await createUser(a.app);
    const tokens = await login(a.app, email, password);
    assert.equal((await b.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 200, 'B verifies and caches it');
    assert.equal((await a.app.inject({ method: 'POST', url: '/auth/logout', headers: bearer(tokens.access_token) })).statusCode, 204);
    assert.equal((await b.inject({ url: '/auth/me', headers: bearer(tokens.access_token) })).statusCode, 401);
    assert.equal((await b.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: tokens.refresh_token } })).statusCode, 401);
  });

  it('a refresh token rotated on A and reused on B revokes the family everywhere', async () => {
    const { email, password } = await createUser(a.app);
    const first = await login(a.app, email, password);
    const second = (await a.app.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } })).json();
    assert.equal((await b.inject({ method: 'POST', url: '/auth/refresh', payload: { refresh_token: first.refresh_token } })).statusCode, 401);
    assert.equal((await a.app.inject({ url: '/auth/me', headers: bearer(second.access_token) })).statusCode, 401);
  });

  it('both instances verify tokens signed by the other across a rotation', async () => {
    const { email, password } = await createUser(a.app);
    const before = await login(a.app, email, password);
    const r = await rotateSigningKeys(a.services);
    // B's key cache is at most 5 s old; an unknown kid forces a reload, so A's new tokens verify at once
    await new Promise((res) => setTimeout(res, 1100));
    keyRing(a.app).invalidate(); // A rotated locally (the CLI path invalidates nothing on B)
    const after = await login(a.app, email, password);
    assert.equal(decodeJwt(after.access_token).header.kid, r.current);
    assert.equal((await b.inject({ url: '/auth/me', headers: bearer(after.access_token) })).statusCode, 200);
    assert.equal((await b.inject({ url: '/auth/me', headers: bearer(before.access_token) })).statusCode, 200);
  });
});
