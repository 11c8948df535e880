// The dev outbox prints each mail's link in the log (so a developer can click
// it) outside production only; a production log never holds a token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { Mailer } from './mailer.ts';
import { MailRenderer } from './templates.ts';
import { outboxTransport } from './transport.ts';
import type { Db } from '../db/client.ts';

async function sendWith(logLinks: boolean): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'latchkey-outbox-log-'));
  let out = '';
  const log = pino({ level: 'info' }, new Writable({ write(chunk, _enc, cb) { out += chunk; cb(); } })) as unknown as FastifyBaseLogger;
  const mailer = new Mailer({ transport: outboxTransport(dir), renderer: new MailRenderer('http://localhost:3000'), from: 'x@localhost', log, db: {} as Db, logLinks });
  try {
    await mailer.send({ to: 'dev@example.test', template: 'reset-password', data: { link: 'http://localhost:3000/reset-password?token=tok_SECRET123' } });
    await mailer.flush();
    return out;
  } finally {
    mailer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('development: the outbox log line carries the link', async () => {
  const out = await sendWith(true);
  assert.match(out, /"event":"mail.outbox"/);
  assert.match(out, /reset-password\?token=tok_SECRET123/);
});

test('production: no link (and so no token) in the log', async () => {
  const out = await sendWith(false);
  assert.match(out, /"event":"mail.outbox"/);
  assert.ok(!out.includes('tok_SECRET123'));
});
