// The audit log through the admin API: filters (actor, target, action, time),
// pagination, and CSV / JSON export.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestApp, type TestContext } from '../../test/fixture.ts';
import { recordAudit } from '../../audit/audit.ts';
import { csvCell } from './audit-export.ts';
import { adminUser } from '../testing.ts';

type Json = Record<string, any>;

describe('admin API: audit', () => {
  let t: TestContext;
  let admin: Awaited<ReturnType<typeof adminUser>>;
  const api = (url: string) => t.app.inject({ url: `/admin/api${url}`, headers: admin.headers });
  before(async () => {
    t = await createTestApp();
    admin = await adminUser(t.app);
    for (let i = 0; i < 30; i++) await recordAudit(t.app, { action: i % 2 ? 'login.failed' : 'user.updated', actorId: admin.user.id, actorEmail: admin.email, targetType: 'user', targetId: `u${i % 3}`, ip: '192.0.2.1', details: { i } });
    await recordAudit(t.app, { action: 'role.created', actorEmail: '=HYPERLINK("http://evil")', targetType: 'role', targetId: 'r1' });
  });
  after(() => t.close());

  it('filters by actor, target, action and time, newest first, paginated', async () => {
    const page = (await api('/audit?action=login.failed&per_page=5&page=2')).json() as Json;
    assert.equal(page.total, 15);
    assert.equal(page.items.length, 5);
    assert.ok(page.items.every((e: Json) => e.action === 'login.failed'));
    const prefix = (await api('/audit?action=user.')).json() as Json;
    assert.equal(prefix.total, 15);
    const byActor = (await api(`/audit?actor=${encodeURIComponent(admin.email.toUpperCase())}&target_type=user&target_id=u1`)).json() as Json;
    assert.equal(byActor.total, 10);
    const byId = (await api(`/audit?actor=${admin.user.id}`)).json() as Json;
    assert.equal(byId.total, 30);
    const all = (await api('/audit?per_page=100')).json() as Json;
    const ats = all.items.map((e: Json) => e.at);
    assert.deepEqual(ats, [...ats].sort().reverse());
    const future = (await api(`/audit?from=${new Date(Date.now() + 60_000).toISOString()}`)).json() as Json;
    assert.equal(future.total, 0);
    assert.equal((await api('/audit?from=yesterday')).statusCode, 400);
  });

  it('exports CSV (formula-safe) and JSON', async () => {
    const csv = await api('/audit/export?format=csv&target_type=role');
    assert.equal(csv.statusCode, 200);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.headers['content-disposition'] as string, /attachment; filename="latchkey-audit-\d+\.csv"/);
    const lines = csv.body.trim().split('\r\n');
    assert.equal(lines[0], 'id,at,actor_id,actor_email,action,target_type,target_id,ip,details');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /"'=HYPERLINK\(""http:\/\/evil""\)"/);
    const json = await api('/audit/export?format=json&action=user.updated');
    const rows = JSON.parse(json.body) as Json[];
    assert.equal(rows.length, 15);
    assert.equal(rows[0]!.actor_email, admin.email);
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('-1'), `"'-1"`);
  });
});
