// OAuth clients through the admin API: the secret is shown once (create and
// rotate) and never again; edits are validated; the built-in client is kept.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../../test/fixture.ts';
import { tokenRequest } from '../../test/oauth.ts';
import { adminUser } from '../testing.ts';

type Json = Record<string, any>;

describe('admin API: clients', () => {
  let t: TestContext;
  let admin: Awaited<ReturnType<typeof adminUser>>;
  const api = (method: string, url: string, payload?: object) => t.app.inject({ method: method as 'GET', url: `/admin/api${url}`, payload, headers: admin.headers });
  before(async () => {
    t = await createTestApp();
    admin = await adminUser(t.app);
  });
  after(() => t.close());

  it('creates a client whose secret works, is shown once, and can be rotated', async () => {
    const res = await api('POST', '/clients', { name: 'Billing', grant_types: ['client_credentials'], scopes: ['billing:read'] });
    assert.equal(res.statusCode, 201, res.body);
    const c = res.json() as Json;
    assert.equal(typeof c.client_secret, 'string');
    assert.equal(res.headers['cache-control'], 'no-store');
    const ok = await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'basic', clientId: c.client_id, clientSecret: c.client_secret });
    assert.equal(ok.statusCode, 200, ok.body);
    for (const body of [(await api('GET', `/clients/${c.client_id}`)).body, (await api('GET', '/clients')).body]) {
      assert.ok(!body.includes(c.client_secret) && !body.includes('secret'), body);
    }
    const rotated = (await api('POST', `/clients/${c.client_id}/secret`)).json() as Json;
    assert.notEqual(rotated.client_secret, c.client_secret);
    const old = await tokenRequest(t.app, { grant_type: 'client_credentials' }, { method: 'basic', clientId: c.client_id, clientSecret: c.client_secret });
    assert.equal(old.statusCode, 401);
    const events = await t.app.db.auditEvent.findMany({ where: { targetId: c.client_id } });
    assert.deepEqual(events.map((e) => e.action).sort(), ['client.created', 'client.secret_rotated']);
    assert.ok(!JSON.stringify(events.map((e) => e.details)).includes(rotated.client_secret));
  });

  it('edits, disables and deletes; refuses invalid input and the built-in client', async () => {
    const c = (await api('POST', '/clients', { name: 'Web', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['https://app.example/cb'], public: true })).json() as Json;
    assert.equal(c.client_secret, null);
    const edited = await api('PATCH', `/clients/${c.client_id}`, { name: 'Web app', redirect_uris: ['https://app.example/cb', 'https://app.example/cb2'], post_logout_redirect_uris: ['https://app.example/'], first_party: true });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.deepEqual(edited.json().redirect_uris, ['https://app.example/cb', 'https://app.example/cb2']);
    assert.equal(edited.json().first_party, true);
    const bad = await api('PATCH', `/clients/${c.client_id}`, { redirect_uris: ['https://app.example/cb#frag'] });
    assert.equal(bad.statusCode, 400);
    assert.equal((await api('PATCH', `/clients/${c.client_id}`, { grant_types: ['implicit'] })).statusCode, 400);
    assert.equal((await api('POST', `/clients/${c.client_id}/secret`)).statusCode, 409);
    assert.equal((await api('PATCH', `/clients/${c.client_id}`, { disabled: true })).json().disabled, true);
    assert.equal((await api('DELETE', `/clients/${c.client_id}`)).statusCode, 204);
    assert.equal((await api('GET', `/clients/${c.client_id}`)).statusCode, 404);
    assert.equal((await api('DELETE', '/clients/latchkey')).statusCode, 409);
    assert.equal((await api('PATCH', '/clients/latchkey', { disabled: true })).statusCode, 409);
  });
});
