// The second step of an API sign-in: the mfa_token from `403 mfa_required`
// plus a TOTP code or a recovery code. Used by POST /auth/mfa/verify and the
// mfa-otp grant. The challenge is single use; after a wrong code a fresh
// mfa_token comes back in the error so the client can retry without asking
// for the password again (the per-user failure limit bounds the guesses).
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';
import { createMfaChallenge, takeMfaChallenge } from './challenge.ts';
import { verifySecondFactor, type SecondFactor } from './totp-service.ts';
import { findClient } from '../clients/client-service.ts';
import { finishSignIn } from '../auth/sign-in.ts';
import type { TokenResponse } from '../oauth/tokens/issue-tokens.ts';

export async function finishMfaLogin(
  request: FastifyRequest,
  input: { mfaToken: string; factor: SecondFactor; expectClientId?: string; fail: (description: string, extra?: Record<string, unknown>) => HttpError },
): Promise<TokenResponse> {
  const app = request.server;
  const challenge = await takeMfaChallenge(app, input.mfaToken);
  if (!challenge || challenge.purpose !== 'api') throw input.fail('the mfa_token is invalid, expired or was already used; sign in again');
  // RFC 6749 §4.1.3 in spirit: a challenge finishes only for the client it was issued to
  if (input.expectClientId && challenge.clientId !== input.expectClientId) throw input.fail('the mfa_token was issued to another client');
  const [user, client] = await Promise.all([app.db.user.findUnique({ where: { id: challenge.userId } }), findClient(app, challenge.clientId)]);
  if (!user || user.disabledAt || !client || client.disabledAt) throw input.fail('the sign-in can no longer be finished; sign in again');
  let method;
  try {
    method = await verifySecondFactor(app, user, input.factor, request.ip, { signIn: true });
  } catch (err) {
    if (err instanceof HttpError && err.code === 'invalid_grant') {
      throw input.fail(err.description, { mfa_token: await createMfaChallenge(app, challenge) });
    }
    throw err;
  }
  // RFC 8176: otp for a one-time code; mfa for a recovery code (a second factor that is not an OTP device)
  const amr = method === 'otp' ? ['pwd', 'otp'] : ['pwd', 'mfa'];
  const scope = challenge.scope ? challenge.scope.split(' ').filter(Boolean) : undefined;
  return finishSignIn(request, { client, user, amr, scope, nonce: challenge.nonce });
}
