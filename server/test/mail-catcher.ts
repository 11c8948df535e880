// A real SMTP server in the test process (smtp-server) that parses every mail it
// receives (mailparser). Tests point SMTP_URL at it instead of mocking the
// transport: `const mail = await startMailCatcher(); createTestApp({ env: { SMTP_URL: mail.url } })`.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface CaughtMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  /** every http(s) link in the text part */
  links: string[];
  raw: ParsedMail;
}

export interface MailCatcher {
  url: string;
  messages: CaughtMail[];
  /** the first mail to `to` (matching `predicate`) not yet returned by waitFor; waits for it */
  waitFor(to: string, opts?: { subject?: RegExp; timeoutMs?: number }): Promise<CaughtMail>;
  /** mails to `to` received so far */
  to(to: string): CaughtMail[];
  /** fails the next connections with 451 (transient) or 550 (permanent) */
  reject(code: 451 | 550 | null): void;
  close(): Promise<void>;
}

const addresses = (a: ParsedMail['to']) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => (v.address ?? '').toLowerCase()));

export async function startMailCatcher(): Promise<MailCatcher> {
  const messages: CaughtMail[] = [];
  const taken = new Set<CaughtMail>();
  const waiters = new Set<() => void>();
  let rejectCode: 451 | 550 | null = null;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (rejectCode) {
        stream.resume();
        const err = Object.assign(new Error('rejected by the test'), { responseCode: rejectCode });
        return stream.on('end', () => callback(err));
      }
      simpleParser(stream)
        .then((parsed) => {
          const text = parsed.text ?? '';
          messages.push({
            to: addresses(parsed.to),
            from: parsed.from?.value[0]?.address ?? '',
            subject: parsed.subject ?? '',
            text,
            html: typeof parsed.html === 'string' ? parsed.html : '',
            links: text.match(/https?:\/\/[^\s<>"]+/g) ?? [],
            raw: parsed,
          });
          for (const w of waiters) w();
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;

  const find = (to: string, subject?: RegExp) =>
    messages.find((m) => !taken.has(m) && m.to.includes(to.toLowerCase()) && (!subject || subject.test(m.subject)));

  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to: (to) => messages.filter((m) => m.to.includes(to.toLowerCase())),
    reject(code) {
      rejectCode = code;
    },
    waitFor(to, opts = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = find(to, opts.subject);
          if (!m) return false;
          taken.add(m);
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no mail to ${to}${opts.subject ? ` matching ${opts.subject}` : ''} within ${opts.timeoutMs ?? 5000} ms`));
        }, opts.timeoutMs ?? 5000);
        if (!check()) waiters.add(check);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
