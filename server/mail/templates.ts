// Mail templates: one eta view pair per template (views/mail/<name>.html.eta and
// <name>.txt.eta), so every mail has an HTML and a plain-text part. Links in
// mail are always absolute and built from ISSUER (never from a request's Host
// header, which an attacker controls: "password reset poisoning").
import { Eta } from 'eta';
import { viewsDir } from '../paths.ts';

export const templates = {
  'verify-email': 'Confirm your email address',
  'reset-password': 'Reset your password',
  'register-attempt': 'Someone tried to register with your email address',
  'password-changed': 'Your password was changed',
  'totp-enabled': 'Two-step verification was turned on',
  'totp-disabled': 'Two-step verification was turned off',
  invitation: 'You have been invited to Latchkey',
} as const;

export type TemplateName = keyof typeof templates;

export interface MailData {
  name?: string | null;
  /** absolute link the mail asks the reader to open (made with mailLink) */
  link?: string;
  [key: string]: unknown;
}

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

export class MailRenderer {
  private readonly html: Eta;
  private readonly text: Eta;

  constructor(private readonly issuer: string, cache = false) {
    this.html = new Eta({ views: viewsDir, autoEscape: true, cache });
    // the text part is not HTML: escaping would print &amp; in links
    this.text = new Eta({ views: viewsDir, autoEscape: false, cache });
  }

  render(template: TemplateName, data: MailData): RenderedMail {
    const subject = templates[template];
    const context = { ...data, subject, issuer: this.issuer };
    return {
      subject,
      html: this.html.render(`./mail/${template}.html.eta`, context),
      text: this.text.render(`./mail/${template}.txt.eta`, context),
    };
  }
}

/** An absolute link under ISSUER: mailLink(config.issuer, '/verify-email', { token }). */
export function mailLink(issuer: string, pathname: string, params: Record<string, string> = {}): string {
  const url = new URL(pathname, issuer + '/');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}
