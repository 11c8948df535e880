// The MFA step of the password grant in the shape Auth0 clients already speak
// (grant_type=http://auth0.com/oauth/grant-type/mfa-otp, mfa_token, otp): the
// password grant answered 403 mfa_required + mfa_token; this finishes it.
// Allowed to every client allowed the password grant (DESIGN §5).
import type { Grant } from './grant.ts';
import { InvalidGrant, InvalidRequest } from '../../http/errors.ts';
import { finishMfaLogin } from '../../mfa/finish-mfa-login.ts';

export const MFA_OTP_GRANT = 'http://auth0.com/oauth/grant-type/mfa-otp';

export const mfaOtpGrant: Grant = {
  type: MFA_OTP_GRANT,
  params: ['mfa_token', 'otp'],
  allowed: (client) => client.grantTypes.includes('password') || client.grantTypes.includes(MFA_OTP_GRANT),
  async handler({ request, client, params }) {
    if (!params.mfa_token || !params.otp) throw new InvalidRequest('mfa_token and otp are required');
    return finishMfaLogin(request, {
      mfaToken: params.mfa_token,
      factor: { code: params.otp },
      // RFC 6749 §5.2: a bad grant is 400 invalid_grant at the token endpoint
      expectClientId: client.id,
      fail: (description, extra) => new InvalidGrant(description, extra),
    });
  },
};
