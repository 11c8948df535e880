// Reads and validates the environment once, at start-up. A bad value stops the
// process with one line naming the variable (see main.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { variables } from './variables.ts';
import { ConfigError, parseBoolean, parseChoice, parseDuration, parseInteger, parseKey, parseRate, parseUrl } from './parse.ts';

export { ConfigError };

export type RateLimitName = 'login' | 'token' | 'register' | 'passwordReset' | 'verification' | 'mfa' | 'introspect' | 'account';
const rateLimitVariables: Record<RateLimitName, string> = {
  login: 'RATE_LIMIT_LOGIN', token: 'RATE_LIMIT_TOKEN', register: 'RATE_LIMIT_REGISTER', passwordReset: 'RATE_LIMIT_PASSWORD_RESET',
  verification: 'RATE_LIMIT_VERIFICATION', mfa: 'RATE_LIMIT_MFA', introspect: 'RATE_LIMIT_INTROSPECT', account: 'RATE_LIMIT_ACCOUNT',
};

export type SigningAlg = 'ES256' | 'EdDSA' | 'RS256';

export interface Config {
  env: 'development' | 'test' | 'production';
  port: number;
  host: string;
  issuer: string;
  databaseUrl?: string;
  /** unset: runtime.ts picks one (embedded or not) */
  databasePoolSize?: number;
  redisUrl?: string;
  redisPrefix: string;
  smtpUrl?: string;
  mailFrom: string;
  dataDir: string;
  /** 32 bytes; derive purpose keys with deriveKey() (server/security/crypto.ts) */
  encryptionKey: Buffer;
  bootstrapAdmin?: { email: string; password: string };
  accessTokenTtl: number;
  refreshTokenTtl: number;
  refreshReuseGraceSeconds: number;
  signingAlg: SigningAlg;
  argon2: { memoryCost: number; timeCost: number; parallelism: number };
  requireEmailVerification: boolean;
  rateLimitEnabled: boolean;
  /** per-endpoint limits (server/security/rate-limit.ts) */
  rateLimits: Record<RateLimitName, { max: number; windowMs: number }>;
  /** account lockout (server/security/lockout.ts); durations in seconds */
  lockout: { threshold: number; baseSeconds: number; maxSeconds: number };
  trustProxy: boolean | number | string[];
  corsOrigins: string[];
  bodyLimit: number;
  logLevel: string;
}

const defaults = Object.fromEntries(variables.map((v) => [v.name, v.default]));
const knownExampleKeys = new Set(['change-me', 'changeme', 'CHANGE_ME']);

function parseTrustProxy(raw: string): Config['trustProxy'] {
  if (/^\d+$/.test(raw)) return Number(raw);
  if (['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'].includes(raw.toLowerCase())) return parseBoolean(raw);
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

/** In development the encryption key is generated once and kept with the data it protects. */
function devEncryptionKey(dataDir: string): Buffer {
  const file = path.join(dataDir, 'encryption.key');
  if (existsSync(file)) return parseKey(readFileSync(file, 'utf8').trim());
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600 });
  return key;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = (name: string) => {
    const v = env[name];
    return v === undefined || v === '' ? defaults[name]! : v;
  };
  const field = <T>(name: string, parse: (v: string) => T): T => {
    try {
      return parse(raw(name));
    } catch (err) {
      if (err instanceof ConfigError) throw new ConfigError(`${name} ${err.message}`);
      throw err;
    }
  };
  const optional = (name: string) => (raw(name) === '' ? undefined : raw(name));

  const nodeEnv = field('NODE_ENV', (v) => parseChoice(v, ['development', 'test', 'production'] as const));
  const production = nodeEnv === 'production';
  const port = field('PORT', (v) => parseInteger(v, 0, 65535));
  const issuer = field('ISSUER', (v) => {
    const url = parseUrl(env.ISSUER ? v : `http://localhost:${port}`, ['http:', 'https:']);
    if (url.search || url.hash) throw new ConfigError('must not have a query or fragment');
    const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (production && url.protocol === 'http:' && !local) throw new ConfigError('must use https:// in production');
    return url.href.replace(/\/$/, '');
  });
  const dataDir = path.resolve(raw('DATA_DIR'));
  const encryptionKey = field('ENCRYPTION_KEY', (v) => {
    if (v === '' || knownExampleKeys.has(v)) {
      if (production) throw new ConfigError('is required in production (32+ random bytes, e.g. `openssl rand -base64 32`)');
      return devEncryptionKey(dataDir);
    }
    return parseKey(v);
  });
  const adminEmail = optional('BOOTSTRAP_ADMIN_EMAIL');
  const adminPassword = optional('BOOTSTRAP_ADMIN_PASSWORD');
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new ConfigError(`${adminEmail ? 'BOOTSTRAP_ADMIN_PASSWORD' : 'BOOTSTRAP_ADMIN_EMAIL'} must be set together with the other BOOTSTRAP_ADMIN_* variable`);
  }
  if (adminEmail && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError('BOOTSTRAP_ADMIN_EMAIL must be an email address');
  if (adminPassword && adminPassword.length < 10) throw new ConfigError('BOOTSTRAP_ADMIN_PASSWORD must be at least 10 characters');

  return {
    env: nodeEnv,
    port,
    host: raw('HOST'),
    issuer,
    databaseUrl: optional('DATABASE_URL') && field('DATABASE_URL', (v) => parseUrl(v, ['postgres:', 'postgresql:']).href),
    databasePoolSize: optional('DATABASE_POOL_SIZE') ? field('DATABASE_POOL_SIZE', (v) => parseInteger(v, 1, 1000)) : undefined,
    redisUrl: optional('REDIS_URL') && field('REDIS_URL', (v) => parseUrl(v, ['redis:', 'rediss:']).href),
    redisPrefix: raw('REDIS_PREFIX'),
    smtpUrl: optional('SMTP_URL') && field('SMTP_URL', (v) => parseUrl(v, ['smtp:', 'smtps:']).href),
    mailFrom: raw('MAIL_FROM'),
    dataDir,
    encryptionKey,
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    accessTokenTtl: field('ACCESS_TOKEN_TTL', (v) => parseDuration(v, 30, 86400)),
    refreshTokenTtl: field('REFRESH_TOKEN_TTL', (v) => parseDuration(v, 60)),
    refreshReuseGraceSeconds: field('REFRESH_REUSE_GRACE_SECONDS', (v) => parseInteger(v, 0, 300)),
    signingAlg: field('SIGNING_ALG', (v) => parseChoice(v, ['ES256', 'EdDSA', 'RS256'] as const)),
    argon2: {
      memoryCost: field('ARGON2_MEMORY_KIB', (v) => parseInteger(v, 1024, 4 * 1024 * 1024)),
      timeCost: field('ARGON2_ITERATIONS', (v) => parseInteger(v, 1, 100)),
      parallelism: field('ARGON2_PARALLELISM', (v) => parseInteger(v, 1, 64)),
    },
    requireEmailVerification: field('REQUIRE_EMAIL_VERIFICATION', parseBoolean),
    rateLimitEnabled: field('RATE_LIMIT_ENABLED', parseBoolean),
    rateLimits: Object.fromEntries(Object.entries(rateLimitVariables).map(([k, name]) => [k, field(name, parseRate)])) as Config['rateLimits'],
    lockout: {
      threshold: field('LOCKOUT_THRESHOLD', (v) => parseInteger(v, 1, 1000)),
      baseSeconds: field('LOCKOUT_BASE', (v) => parseDuration(v, 1, 86400)),
      maxSeconds: field('LOCKOUT_MAX', (v) => parseDuration(v, 1, 30 * 86400)),
    },
    trustProxy: field('TRUST_PROXY', parseTrustProxy),
    corsOrigins: raw('CORS_ORIGINS').split(',').map((s) => s.trim()).filter(Boolean),
    bodyLimit: field('BODY_LIMIT', (v) => parseInteger(v, 1024, 100 * 1024 * 1024)),
    logLevel: field('LOG_LEVEL', (v) => parseChoice(v, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const)),
  };
}
