// Test helpers for account flows (used by accounts, mfa and e2e tests).
import type { FastifyInstance } from 'fastify';
import type { CaughtMail } from '../test/mail-catcher.ts';
import { canonicalEmail, normalizeEmail } from './email.ts';
import { passwordHasher } from './hasher.ts';

/** The `token` query parameter of the first link in a mail that has one. */
export function tokenFromMail(mail: CaughtMail): string {
  for (const link of mail.links) {
    const token = new URL(link).searchParams.get('token');
    if (token) return token;
  }
  throw new Error(`no token link in mail "${mail.subject}"`);
}

/** A user with the `user` role, verified unless told otherwise. */
export async function createTestUser(app: FastifyInstance, opts: { email: string; password: string; name?: string; verified?: boolean }) {
  const role = await app.db.role.findUniqueOrThrow({ where: { name: 'user' } });
  return app.db.user.create({
    data: {
      email: normalizeEmail(opts.email),
      emailCanonical: canonicalEmail(opts.email),
      name: opts.name ?? null,
      passwordHash: await passwordHasher(app).hash(opts.password),
      emailVerifiedAt: opts.verified === false ? null : new Date(),
      roles: { create: [{ roleId: role.id }] },
    },
  });
}

/** Signs a user in through the built-in first-party client (as /auth/login would): a session and its tokens. */
export async function signInForTest(app: FastifyInstance, userId: string, amr: string[] = ['pwd']) {
  const { createSession } = await import('../sessions/session-service.ts');
  const { issueTokens } = await import('../oauth/tokens/issue-tokens.ts');
  const client = await app.db.client.findUniqueOrThrow({ where: { id: 'latchkey' } });
  const user = await app.db.user.findUniqueOrThrow({ where: { id: userId } });
  const session = await createSession(app, { userId, clientId: client.id, amr });
  const tokens = await issueTokens(app, { client, user, session, scope: [], amr, includeRefresh: true });
  return { session, tokens, bearer: { authorization: `Bearer ${tokens.access_token}` } };
}
