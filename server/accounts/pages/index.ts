// The account pages: public (/register, /verify-email, /forgot-password,
// /reset-password), the MFA step of sign-in (/mfa) and /account.
import type { FastifyInstance } from 'fastify';
import { publicPages } from './public-pages.ts';
import { accountPages } from './account-pages.ts';
import { mfaPage } from '../../mfa/mfa-page.ts';

export async function accountPagesPlugin(app: FastifyInstance): Promise<void> {
  await app.register(publicPages);
  await app.register(mfaPage);
  await app.register(accountPages);
}
