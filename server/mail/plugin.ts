// Decorates app.mailer. SMTP_URL set: real SMTP; otherwise the dev outbox under
// DATA_DIR/outbox (links shown in the log outside production only).
import path from 'node:path';
import fp from 'fastify-plugin';
import type { FastifyPluginAsync } from 'fastify';
import { Mailer } from './mailer.ts';
import { MailRenderer } from './templates.ts';
import { outboxTransport, smtpTransport } from './transport.ts';

declare module 'fastify' {
  interface FastifyInstance {
    mailer: Mailer;
  }
}

export const mailPlugin: FastifyPluginAsync = fp(async (app) => {
  const { config } = app;
  const transport = config.smtpUrl ? smtpTransport(config.smtpUrl) : outboxTransport(path.join(config.dataDir, 'outbox'));
  if (transport.kind === 'outbox') app.log.info({ dir: path.join(config.dataDir, 'outbox') }, 'SMTP_URL is not set: mail goes to the dev outbox');
  const mailer = new Mailer({
    transport,
    renderer: new MailRenderer(config.issuer, config.env === 'production'),
    from: config.mailFrom,
    log: app.log.child({ module: 'mail' }),
    db: app.db,
    metrics: app.metrics,
    logLinks: config.env !== 'production',
    retryDelaysMs: config.env === 'test' ? [50, 100] : undefined,
  });
  app.decorate('mailer', mailer);
  app.addHook('onClose', async () => {
    // give queued mail a short chance to leave before the transport closes
    await Promise.race([mailer.flush(), new Promise((r) => setTimeout(r, 2_000))]);
    mailer.close();
  });
}, { name: 'mail' });
