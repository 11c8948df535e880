import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../test/fixture.ts';

describe('route schemas compiled on first use', () => {
  let t: TestContext;
  before(async () => { t = await createTestApp(); });
  after(async () => { await t.close(); });

  it('a route validates its first request (its schema compiled then)', async () => {
    const bad = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { password: 'correct horse battery staple' } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error, 'invalid_request');
  });

  it('every route schema compiles (they are compiled lazily, so a broken one would otherwise surface on a first request)', async () => {
    await t.app.inject('/healthz');
    const compiled = t.app.compileAllSchemas();
    assert.ok(compiled > 100, `only ${compiled} schemas were pending`);
    assert.equal(t.app.compileAllSchemas(), 0);
  });
});
