// Mail over real SMTP (an in-process smtp-server), the dev outbox, and failure
// handling (retries, then a logged and audited mail.failed).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer } from 'node:net';
import { createTestApp, type TestContext } from '../test/fixture.ts';
import { startMailCatcher, type MailCatcher } from '../test/mail-catcher.ts';
import { mailLink, MailRenderer, templates, type TemplateName } from './templates.ts';

let mail: MailCatcher;
let ctx: TestContext;
before(async () => {
  mail = await startMailCatcher();
  ctx = await createTestApp({ env: { SMTP_URL: mail.url, ISSUER: 'https://id.example.test' } });
});
after(async () => {
  await ctx.close();
  await mail.close();
});

test('a mail goes over SMTP with an HTML and a plain-text part and an absolute ISSUER link', async () => {
  const link = mailLink(ctx.config.issuer, '/verify-email', { token: 'abc_123' });
  await ctx.app.mailer.send({ to: 'Ada@Example.test', template: 'verify-email', data: { name: 'Ada <b>', link } });
  const m = await mail.waitFor('ada@example.test');
  assert.equal(m.subject, templates['verify-email']);
  assert.equal(link, 'https://id.example.test/verify-email?token=abc_123');
  assert.ok(m.links.includes(link), m.text);
  assert.match(m.html, /href="https:\/\/id\.example\.test\/verify-email\?token=abc_123"/);
  // the HTML part escapes data; the text part does not need to
  assert.match(m.html, /Ada &lt;b&gt;/);
  assert.match(m.text, /Hello Ada <b>,/);
  assert.equal(m.from, 'no-reply@localhost');
});

test('every template renders both parts', () => {
  const r = new MailRenderer('http://localhost:3000');
  for (const name of Object.keys(templates) as TemplateName[]) {
    const out = r.render(name, { name: 'Bo', link: 'http://localhost:3000/x?token=t', at: '2026-01-01 10:00 UTC', how: 'changed' });
    assert.ok(out.html.includes('<html') && out.html.includes('http://localhost:3000/x?token=t'), name);
    assert.ok(out.text.includes('http://localhost:3000/x?token=t') && !out.text.includes('<p>'), name);
  }
});

test('send() returns before delivery and retries a transient failure', async () => {
  mail.reject(451);
  const started = Date.now();
  await ctx.app.mailer.send({ to: 'retry@example.test', template: 'password-changed', data: { link: 'https://x', at: 'now' } });
  assert.ok(Date.now() - started < 200, 'send waits for nobody');
  setTimeout(() => mail.reject(null), 30);
  const m = await mail.waitFor('retry@example.test');
  assert.equal(m.subject, templates['password-changed']);
});

test('a mail that cannot be delivered is audited as mail.failed (and the request never waits)', async () => {
  // a port nobody listens on
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const dead = await createTestApp({ env: { SMTP_URL: `smtp://127.0.0.1:${port}` } });
  try {
    await dead.app.mailer.send({ to: 'lost@example.test', template: 'reset-password', data: { link: 'https://x/reset-password?token=secret-token' } });
    await dead.app.mailer.flush();
    const rows = await dead.services.db.auditEvent.findMany({ where: { action: 'mail.failed' } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.targetId, 'lost@example.test');
    assert.equal((rows[0]!.details as { template: string }).template, 'reset-password');
    assert.ok(!JSON.stringify(rows[0]!.details).includes('secret-token'), 'no token in the audit row');
  } finally {
    await dead.close();
  }
});

test('a permanent 5xx refusal is not retried', async () => {
  mail.reject(550);
  try {
    await ctx.app.mailer.send({ to: 'bounce@example.test', template: 'totp-enabled', data: { link: 'https://x', at: 'now' } });
    await ctx.app.mailer.flush();
    const rows = await ctx.services.db.auditEvent.findMany({ where: { action: 'mail.failed', targetId: 'bounce@example.test' } });
    assert.equal(rows.length, 1);
    assert.equal((rows[0]!.details as { attempts: number }).attempts, 1);
  } finally {
    mail.reject(null);
  }
});

test('without SMTP_URL each mail lands in DATA_DIR/outbox as .eml + .txt', async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-outbox-'));
  const dev = await createTestApp({ env: { DATA_DIR: dataDir } });
  try {
    assert.equal(dev.app.mailer.kind, 'outbox');
    await dev.app.mailer.send({ to: 'dev@example.test', template: 'invitation', data: { link: 'http://localhost:3000/reset-password?token=inv' } });
    await dev.app.mailer.flush();
    const files = (await readdir(path.join(dataDir, 'outbox'))).sort();
    assert.equal(files.length, 2);
    assert.ok(files.some((f) => f.endsWith('.eml')));
    const txt = await readFile(path.join(dataDir, 'outbox', files.find((f) => f.endsWith('.txt'))!), 'utf8');
    assert.match(txt, /To: dev@example\.test/);
    assert.match(txt, /http:\/\/localhost:3000\/reset-password\?token=inv/);
  } finally {
    await dev.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
