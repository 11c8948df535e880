// Password policy (NIST SP 800-63B §5.1.1.2): length 10–256, no composition
// rules, but refuse passwords that are known to attackers: the 49,233 most
// common leaked passwords shipped in @zxcvbn-ts/language-common
// ("passwords-common"), the person's own email or name, and anything zxcvbn
// estimates as too guessable (score < 2, i.e. under ~10^6 guesses).
import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { InvalidRequest } from '../http/errors.ts';

export const MIN_LENGTH = 10;
export const MAX_LENGTH = 256;
export const MIN_SCORE = 2;

// The dictionaries cost about 50 MB and most of a second to load: only a
// process that checks a password pays for them, on its first check.
const require = createRequire(import.meta.url);
let engine: { leaked: Set<string>; zxcvbn: ZxcvbnFactory } | undefined;

function load(): NonNullable<typeof engine> {
  if (engine) return engine;
  const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  engine = {
    leaked: new Set<string>(common.dictionary['passwords-common']!.map((p) => String(p).toLowerCase())),
    zxcvbn: new ZxcvbnFactory({ translations: en.translations, graphs: common.adjacencyGraphs, dictionary: { ...common.dictionary, ...en.dictionary } }),
  };
  return engine;
}

/** size of the shipped common-password list (reported in the issue note and README) */
export function leakedListSize(): number {
  return load().leaked.size;
}

export interface PasswordCheck {
  ok: boolean;
  /** why the password is refused, as sentences for a person */
  problems: string[];
  /** zxcvbn 0 (too guessable) … 4 (very unguessable) */
  score: number;
  warning: string | null;
  suggestions: string[];
}

export interface PasswordContext {
  email?: string | null;
  name?: string | null;
}

export function checkPassword(password: string, ctx: PasswordContext = {}): PasswordCheck {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < MIN_LENGTH) problems.push(`Use at least ${MIN_LENGTH} characters.`);
  if (length > MAX_LENGTH) problems.push(`Use at most ${MAX_LENGTH} characters.`);
  const lower = password.toLowerCase().trim();
  const email = ctx.email?.toLowerCase().trim();
  const personal = [email, email?.split('@')[0], ctx.name?.toLowerCase().trim()].filter((v): v is string => Boolean(v && v.length >= 3));
  if (personal.includes(lower)) problems.push('Do not use your email address or name as your password.');
  const { leaked, zxcvbn } = load();
  if (leaked.has(lower)) problems.push('This password is on a list of commonly used passwords that attackers try first.');
  // zxcvbn's cost grows with length; the first 100 characters are enough to judge
  const result = zxcvbn.check(password.slice(0, 100), personal);
  if (!problems.length && result.score < MIN_SCORE) problems.push('This password is too easy to guess.');
  return { ok: problems.length === 0, problems, score: result.score, warning: result.feedback.warning || null, suggestions: result.feedback.suggestions };
}

/** Throws 400 invalid_request naming `field` when the password breaks the policy. */
export function assertPasswordPolicy(password: string, ctx: PasswordContext, field = 'password'): PasswordCheck {
  const check = checkPassword(password, ctx);
  if (!check.ok) {
    throw new InvalidRequest(`${field}: ${check.problems.join(' ')}`, {
      details: check.problems.map((message) => ({ field: `body.${field}`, message })),
      password_strength: { score: check.score, warning: check.warning, suggestions: check.suggestions },
    });
  }
  return check;
}
