// The account mails, each with its link under ISSUER. Other helpers (ADMIN:
// invitation, "send reset", "resend verification") call these.
import type { FastifyInstance } from 'fastify';
import { mailLink } from '../mail/templates.ts';
import { issueEmailToken } from './email-tokens.ts';

interface Recipient {
  id: string;
  email: string;
  name: string | null;
}

const when = () => new Date().toUTCString();

export async function sendVerificationMail(app: FastifyInstance, user: Recipient): Promise<void> {
  const token = await issueEmailToken(app, user.id, 'email_verification');
  await app.mailer.send({ to: user.email, template: 'verify-email', data: { name: user.name, link: mailLink(app.config.issuer, '/verify-email', { token }) } });
}

export async function sendPasswordResetMail(app: FastifyInstance, user: Recipient): Promise<void> {
  const token = await issueEmailToken(app, user.id, 'password_reset');
  await app.mailer.send({ to: user.email, template: 'reset-password', data: { name: user.name, link: mailLink(app.config.issuer, '/reset-password', { token }) } });
}

/** Invitation for a user created without a password: the link sets one (and proves the address). */
export async function sendInvitationMail(app: FastifyInstance, user: Recipient, inviter?: string | null): Promise<void> {
  const token = await issueEmailToken(app, user.id, 'invitation');
  await app.mailer.send({ to: user.email, template: 'invitation', data: { name: user.name, inviter: inviter ?? null, validFor: '7 days', link: mailLink(app.config.issuer, '/reset-password', { token }) } });
}

export async function sendRegisterAttemptMail(app: FastifyInstance, user: Recipient): Promise<void> {
  await app.mailer.send({ to: user.email, template: 'register-attempt', data: { name: user.name, link: mailLink(app.config.issuer, '/forgot-password') } });
}

export async function sendPasswordChangedMail(app: FastifyInstance, user: Recipient, how: 'changed' | 'reset'): Promise<void> {
  await app.mailer.send({ to: user.email, template: 'password-changed', data: { name: user.name, how, at: when(), link: mailLink(app.config.issuer, '/forgot-password') } });
}

export async function sendTotpMail(app: FastifyInstance, user: Recipient, enabled: boolean): Promise<void> {
  await app.mailer.send({ to: user.email, template: enabled ? 'totp-enabled' : 'totp-disabled', data: { name: user.name, at: when(), link: mailLink(app.config.issuer, '/account') } });
}
