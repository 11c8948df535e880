// Small parsers that turn one environment string into a typed value or throw a
// message that names what is wrong (the caller adds the variable's name).
export class ConfigError extends Error {}

export function parseInteger(raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw)) throw new ConfigError(`must be a whole number (got "${raw}")`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(`must be between ${min} and ${max} (got ${n})`);
  return n;
}

export function parseBoolean(raw: string): boolean {
  const v = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`must be true or false (got "${raw}")`);
}

const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "900", "30s", "15m", "1h", "30d" → seconds */
export function parseDuration(raw: string, minSeconds = 1, maxSeconds = 365 * 86400): number {
  const m = /^(\d+)([smhd]?)$/.exec(raw.trim());
  if (!m) throw new ConfigError(`must be a duration such as 900, 15m, 1h or 30d (got "${raw}")`);
  const seconds = Number(m[1]) * units[m[2] || 's']!;
  if (seconds < minSeconds || seconds > maxSeconds) throw new ConfigError(`must be between ${minSeconds}s and ${maxSeconds}s (got ${seconds}s)`);
  return seconds;
}

/** "20/1m" → 20 requests per 60 s (rate limits) */
export function parseRate(raw: string): { max: number; windowMs: number } {
  const m = /^(\d+)\/(\w+)$/.exec(raw.trim());
  if (!m) throw new ConfigError(`must be requests/window such as 20/1m (got "${raw}")`);
  return { max: parseInteger(m[1]!, 1, 1_000_000), windowMs: parseDuration(m[2]!, 1, 86400) * 1000 };
}

export function parseUrl(raw: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`must be a URL (got "${raw}")`);
  }
  if (!protocols.includes(url.protocol)) throw new ConfigError(`must use ${protocols.join(' or ')} (got ${url.protocol})`);
  return url;
}

export function parseChoice<T extends string>(raw: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`must be one of ${choices.join(', ')} (got "${raw}")`);
  return raw as T;
}

/** base64 (standard or url) or hex, at least 32 bytes */
export function parseKey(raw: string): Buffer {
  const bytes = /^[0-9a-fA-F]+$/.test(raw) && raw.length % 2 === 0 ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (bytes.length < 32) throw new ConfigError('must be at least 32 random bytes, base64 or hex encoded (e.g. `openssl rand -base64 32`)');
  if (new Set(bytes).size < 8) throw new ConfigError('is not random enough (too few distinct bytes)');
  return bytes;
}
