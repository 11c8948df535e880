// Structured pino logs with the request id. Credentials never reach a log line:
// auth headers and cookies are redacted, and bodies are never logged.
import type { FastifyServerOptions } from 'fastify';
import type { Config } from '../config/config.ts';

const secretFields = ['password', 'new_password', 'current_password', 'token', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'code', 'code_verifier', 'otp', 'mfa_token', 'recovery_code', 'secret'];

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  ...secretFields.flatMap((f) => [f, `*.${f}`, `body.${f}`, `req.body.${f}`]),
];

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      // the URL without its query string: authorize and verify-email carry tokens and codes there
      req: (req: { method: string; url: string; ip?: string; headers: Record<string, unknown> }) => ({
        method: req.method,
        url: req.url.split('?')[0],
        ip: req.ip,
        user_agent: req.headers['user-agent'],
      }),
    },
  };
}
