// Everything /account shows, loaded once per render.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BrowserUser } from '../../browser/browser-session.ts';
import { pendingTotp } from '../../mfa/totp-service.ts';
import { remainingRecoveryCodes } from '../../mfa/recovery-codes.ts';
import { describeDevice } from '../device.ts';
import { STRENGTH_LABELS, type FormErrors } from './form-errors.ts';

export type AccountSection = 'profile' | 'password' | 'totp' | 'sessions' | 'delete';

export interface AccountRender {
  section?: AccountSection;
  errors?: FormErrors;
  values?: Record<string, string>;
  /** recovery codes to show once (after enable or regenerate) */
  recoveryCodes?: string[];
}

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export async function renderAccount(request: FastifyRequest, reply: FastifyReply, status: number, opts: AccountRender = {}) {
  const app = request.server;
  const { user, session: current } = request.browserUser as BrowserUser;
  const [sessions, mfa, pending, recoveryLeft] = await Promise.all([
    app.db.session.findMany({
      where: { userId: user.id, revokedAt: null, expiresAt: { gt: new Date() } },
      orderBy: { lastUsedAt: 'desc' },
      take: 100,
      include: { client: { select: { name: true } } },
    }),
    app.db.userMfa.findUnique({ where: { userId: user.id }, select: { enabledAt: true } }),
    pendingTotp(app, user),
    remainingRecoveryCodes(app, user.id),
  ]);
  return reply.code(status).type('text/html').view('account.eta', {
    title: 'Your account',
    user: { email: user.email, name: user.name ?? '', verified: !!user.emailVerifiedAt, createdAt: when(user.createdAt) },
    sessions: sessions.map((s) => ({
      id: s.id,
      current: s.id === current.id,
      device: describeDevice(s.userAgent),
      client: s.client.name,
      ip: s.ip ?? 'unknown',
      lastUsed: when(s.lastUsedAt),
      started: when(s.createdAt),
      twoStep: s.amr.includes('otp') || s.amr.includes('mfa'),
    })),
    totp: { enabled: !!mfa?.enabledAt, enabledAt: mfa?.enabledAt ? when(mfa.enabledAt) : null, pending, recoveryLeft },
    section: opts.section ?? null,
    errors: opts.errors ?? { fields: {} },
    values: opts.values ?? {},
    recoveryCodes: opts.recoveryCodes ?? null,
    strengthLabels: STRENGTH_LABELS,
  });
}
