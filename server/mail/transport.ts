// Where mail goes: SMTP (SMTP_URL) through a pooled nodemailer transport with
// short timeouts, or, without SMTP_URL, the dev outbox on disk.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface MailTransport {
  readonly kind: 'smtp' | 'outbox';
  deliver(mail: OutgoingMail): Promise<{ id: string; file?: string }>;
  close(): void;
}

export function smtpTransport(smtpUrl: string): MailTransport {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  const transporter = nodemailer.createTransport({
    pool: true,
    maxConnections: 3,
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    // a dead or slow SMTP server must not hold mail (or shutdown) for long
    connectionTimeout: 5_000,
    greetingTimeout: 5_000,
    socketTimeout: 10_000,
  });
  return {
    kind: 'smtp',
    async deliver(mail) {
      const info = await transporter.sendMail(mail);
      return { id: info.messageId };
    },
    close: () => transporter.close(),
  };
}

/** Dev outbox: each mail as a .eml file (open it in any mail client) plus a .txt copy of the text part. */
export function outboxTransport(dir: string): MailTransport {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'outbox',
    async deliver(mail) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      const info = (await builder.sendMail(mail)) as { messageId: string; message: Buffer };
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const file = path.join(dir, `${stamp}-${randomUUID().slice(0, 8)}.eml`);
      await writeFile(file, info.message, { mode: 0o600 });
      await writeFile(file.replace(/\.eml$/, '.txt'), `To: ${mail.to}\nSubject: ${mail.subject}\n\n${mail.text}`, { mode: 0o600 });
      return { id: info.messageId, file };
    },
    close: () => builder.close(),
  };
}
