// Protocol errors, named after their RFC codes. Throw them anywhere; the error
// handler (http/error-handler.ts) turns them into RFC 6749 §5.2 JSON for API
// callers and an HTML page for browser routes.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly description: string,
    /** extra fields merged into the JSON body (e.g. mfa_token) */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = new.target.name;
  }
}

const make = (status: number, code: string) =>
  class extends HttpError {
    constructor(description: string, extra?: Record<string, unknown>, headers?: Record<string, string>) {
      super(status, code, description, extra, headers);
    }
  };

// RFC 6749 §5.2 / §4.1.2.1
export class InvalidRequest extends make(400, 'invalid_request') {}
export class InvalidGrant extends make(400, 'invalid_grant') {}
export class UnauthorizedClient extends make(400, 'unauthorized_client') {}
export class UnsupportedGrantType extends make(400, 'unsupported_grant_type') {}
export class InvalidScope extends make(400, 'invalid_scope') {}
export class UnsupportedResponseType extends make(400, 'unsupported_response_type') {}
export class AccessDenied extends make(403, 'access_denied') {}
export class InvalidTarget extends make(400, 'invalid_target') {} // RFC 8707
/** RFC 6749 §5.2: 401 with WWW-Authenticate when the client used HTTP auth */
export class InvalidClient extends HttpError {
  constructor(description: string, basicAuthUsed = false) {
    super(401, 'invalid_client', description, {}, basicAuthUsed ? { 'www-authenticate': 'Basic realm="latchkey"' } : {});
  }
}
// RFC 6750 §3.1
export class InvalidToken extends HttpError {
  constructor(description = 'the access token is missing, invalid, expired or revoked') {
    super(401, 'invalid_token', description, {}, { 'www-authenticate': `Bearer realm="latchkey", error="invalid_token", error_description="${description.replace(/"/g, "'")}"` });
  }
}
export class InsufficientScope extends make(403, 'insufficient_scope') {}
export class Forbidden extends make(403, 'forbidden') {}
export class NotFound extends make(404, 'not_found') {}
export class Conflict extends make(409, 'conflict') {}
export class TooManyRequests extends make(429, 'too_many_requests') {}
export class ServiceUnavailable extends make(503, 'temporarily_unavailable') {}
export class MfaRequired extends make(403, 'mfa_required') {}
export class EmailNotVerified extends make(403, 'email_not_verified') {}
