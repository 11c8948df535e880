// app.mailer.send({ to, template, data }): renders at once (a broken template
// fails the request that asked for it), then delivers in the background with a
// few retries, so no request ever waits on an SMTP server. A mail that still
// fails is logged (without its content: it carries tokens) and audited as
// `mail.failed`, never silently dropped.
import type { FastifyBaseLogger } from 'fastify';
import { recordAudit } from '../audit/audit.ts';
import type { Db } from '../db/client.ts';
import type { Metrics } from '../ops/metrics.ts';
import { MailRenderer, type MailData, type TemplateName } from './templates.ts';
import type { MailTransport } from './transport.ts';

export interface SendMail {
  to: string;
  template: TemplateName;
  data?: MailData;
}

export interface MailerDeps {
  transport: MailTransport;
  renderer: MailRenderer;
  from: string;
  log: FastifyBaseLogger;
  db: Db;
  metrics?: Metrics;
  /** print outbox links in the log (development only: they carry tokens) */
  logLinks: boolean;
  /** waits before each retry; the default gives up after about 10 s */
  retryDelaysMs?: number[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class Mailer {
  private readonly pending = new Set<Promise<void>>();
  private readonly retryDelays: number[];

  constructor(private readonly deps: MailerDeps) {
    this.retryDelays = deps.retryDelaysMs ?? [1_000, 3_000, 6_000];
  }

  get kind(): MailTransport['kind'] {
    return this.deps.transport.kind;
  }

  /** Queues the mail and returns at once; delivery happens in the background. */
  async send(mail: SendMail): Promise<void> {
    const rendered = this.deps.renderer.render(mail.template, mail.data ?? {});
    const job = this.deliver(mail, { from: this.deps.from, to: mail.to, ...rendered }).finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when every queued mail was delivered or given up (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  close(): void {
    this.deps.transport.close();
  }

  private async deliver(mail: SendMail, outgoing: Parameters<MailTransport['deliver']>[0]): Promise<void> {
    const { log } = this.deps;
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.deps.transport.deliver(outgoing);
        log.info({ event: 'mail.sent', template: mail.template, messageId: result.id, attempt }, 'mail sent');
        if (result.file) {
          log.info({ event: 'mail.outbox', template: mail.template, file: result.file, ...(this.deps.logLinks && mail.data?.link ? { link: mail.data.link } : {}) }, 'mail written to the dev outbox');
        }
        return;
      } catch (err) {
        const e = err as { code?: string; responseCode?: number; message?: string };
        const reason = { code: e.code, responseCode: e.responseCode, message: e.message?.slice(0, 200) };
        const delay = this.retryDelays[attempt];
        // 5xx SMTP answers are permanent (RFC 5321 §4.2.1): retrying cannot help
        if (delay === undefined || (e.responseCode && e.responseCode >= 500)) {
          log.error({ event: 'mail.failed', template: mail.template, attempts: attempt + 1, ...reason }, 'mail could not be delivered');
          await recordAudit(this.deps, { action: 'mail.failed', actorEmail: 'system', targetType: 'email', targetId: mail.to, details: { template: mail.template, attempts: attempt + 1, ...reason } }).catch((auditErr) =>
            log.error({ err: auditErr }, 'could not audit mail.failed'),
          );
          return;
        }
        log.warn({ event: 'mail.retry', template: mail.template, attempt: attempt + 1, ...reason }, 'mail delivery failed; retrying');
        await sleep(delay);
      }
    }
  }
}
