// Every configuration variable, documented once. README.md and .env.example
// are checked against this list by config.test.ts.
export interface Variable {
  name: string;
  default: string;
  description: string;
}

export const variables: Variable[] = [
  { name: 'NODE_ENV', default: 'development', description: 'development, test or production (production refuses weak secrets and plain-http issuers)' },
  { name: 'PORT', default: '3000', description: 'TCP port to listen on' },
  { name: 'HOST', default: '127.0.0.1', description: 'interface to listen on (0.0.0.0 in containers)' },
  { name: 'ISSUER', default: 'http://localhost:3000', description: 'public base URL; the `iss` of every token and the base of every link in mail' },
  { name: 'DATABASE_URL', default: '', description: 'PostgreSQL URL; empty runs an embedded PostgreSQL with data under DATA_DIR' },
  { name: 'DATABASE_POOL_SIZE', default: '', description: 'PostgreSQL connections per instance; empty: 2 per core of this machine for the embedded PostgreSQL, 10 with DATABASE_URL. About 2 per core of the database server, shared by all instances, is the most it can use' },
  { name: 'REDIS_URL', default: '', description: 'Redis URL; empty uses an in-process store (single instance only)' },
  { name: 'REDIS_PREFIX', default: 'latchkey:', description: 'prefix of every Redis key, so several deployments can share one Redis' },
  { name: 'SMTP_URL', default: '', description: 'SMTP URL (smtp:// or smtps://); empty writes mail to DATA_DIR/outbox and logs its links' },
  { name: 'MAIL_FROM', default: 'Latchkey <no-reply@localhost>', description: 'From address of every mail' },
  { name: 'DATA_DIR', default: './.data', description: 'embedded PostgreSQL data, dev outbox and the dev encryption key' },
  { name: 'ENCRYPTION_KEY', default: '', description: '32+ random bytes, base64 or hex; encrypts TOTP secrets and signing keys at rest. Empty outside production: generated once into DATA_DIR' },
  { name: 'BOOTSTRAP_ADMIN_EMAIL', default: '', description: 'with BOOTSTRAP_ADMIN_PASSWORD: create this verified admin at start when no user exists' },
  { name: 'BOOTSTRAP_ADMIN_PASSWORD', default: '', description: 'password of the bootstrap admin' },
  { name: 'ACCESS_TOKEN_TTL', default: '15m', description: 'lifetime of access and ID tokens (seconds, or 30s/15m/1h/30d)' },
  { name: 'REFRESH_TOKEN_TTL', default: '30d', description: 'lifetime of refresh tokens and of the sessions they belong to' },
  { name: 'REFRESH_REUSE_GRACE_SECONDS', default: '0', description: 'a just-rotated refresh token may be presented once more within this many seconds without revoking its family' },
  { name: 'SIGNING_ALG', default: 'ES256', description: 'algorithm of new signing keys: ES256, EdDSA or RS256' },
  { name: 'ARGON2_MEMORY_KIB', default: '19456', description: 'argon2id memory cost (OWASP: 19456)' },
  { name: 'ARGON2_ITERATIONS', default: '2', description: 'argon2id time cost (OWASP: 2)' },
  { name: 'ARGON2_PARALLELISM', default: '1', description: 'argon2id parallelism (OWASP: 1)' },
  { name: 'REQUIRE_EMAIL_VERIFICATION', default: 'true', description: 'refuse sign-in until the email address is verified' },
  { name: 'RATE_LIMIT_ENABLED', default: 'true', description: 'per-IP and per-account rate limits (false only for benchmarks)' },
  { name: 'RATE_LIMIT_LOGIN', default: '20/1m', description: 'sign-in attempts per client IP (/auth/login, /login): requests/window' },
  { name: 'RATE_LIMIT_TOKEN', default: '600/1m', description: 'POST /oauth/token and /auth/refresh requests per client IP' },
  { name: 'RATE_LIMIT_REGISTER', default: '10/1h', description: 'registrations per client IP' },
  { name: 'RATE_LIMIT_PASSWORD_RESET', default: '10/15m', description: 'password reset requests and confirmations per client IP' },
  { name: 'RATE_LIMIT_VERIFICATION', default: '10/15m', description: 'email verification requests and confirmations per client IP' },
  { name: 'RATE_LIMIT_MFA', default: '20/5m', description: 'MFA code submissions per client IP' },
  { name: 'RATE_LIMIT_INTROSPECT', default: '1200/1m', description: 'token introspection and revocation requests per client IP' },
  { name: 'RATE_LIMIT_ACCOUNT', default: '20/15m', description: 'sign-in, reset and verification requests per email address (each kind counted apart), whatever the IP' },
  { name: 'LOCKOUT_THRESHOLD', default: '5', description: 'failed sign-ins (password or TOTP) per account before it is locked; applies even with RATE_LIMIT_ENABLED=false' },
  { name: 'LOCKOUT_BASE', default: '1m', description: 'first lock duration; it doubles with every further failure' },
  { name: 'LOCKOUT_MAX', default: '1h', description: 'longest lock duration' },
  { name: 'TRUST_PROXY', default: 'false', description: 'trust X-Forwarded-* from a load balancer: true, a hop count, or a list of addresses/CIDRs' },
  { name: 'CORS_ORIGINS', default: '', description: 'comma-separated origins allowed to call the token, userinfo, revocation and introspection endpoints' },
  { name: 'BODY_LIMIT', default: '102400', description: 'largest accepted request body in bytes (413 above it)' },
  { name: 'LOG_LEVEL', default: 'info', description: 'fatal, error, warn, info, debug or trace' },
];
