// The admin console's mail actions, delegated to the ACCOUNTS flows (which own
// the one-time email tokens and templates), so a mail an admin triggers is the
// very same mail the user would get from the public pages.
export {
  sendInvitationMail as sendInvitation,
  sendPasswordResetMail as sendPasswordReset,
  sendVerificationMail as sendVerification,
} from '../../accounts/account-mail.ts';
