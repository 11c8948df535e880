// fast-check generators of hostile HTTP requests: malformed bodies in every
// content type, odd query strings, forged headers, Unicode edge cases, values
// shaped like the fields Latchkey reads (so validation, not just parsing, is hit).
import fc from 'fast-check';
import type { RouteEntry } from './route-table.ts';

export const FIELD_NAMES = [
  'email', 'password', 'name', 'username', 'grant_type', 'client_id', 'client_secret', 'code', 'code_verifier', 'redirect_uri',
  'refresh_token', 'token', 'token_type_hint', 'scope', 'mfa_token', 'otp', 'recovery_code', 'new_password', 'current_password',
  'response_type', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'return_to', '_csrf', 'q', 'page', 'per_page',
  'roles', 'permissions', 'inherits', 'description', 'grant_types', 'redirect_uris', 'post_logout_redirect_uris', 'scopes', 'public',
  'first_party', 'email_verified', 'user_id', 'id_token_hint', 'post_logout_redirect_uri', 'prompt', 'max_age', 'login_hint', 'flow',
  'resource', 'action', 'decision', 'confirm', 'disabled', '__proto__', 'constructor', 'prototype',
];

/** strings a tester would try by hand: Unicode tricks, injections, protocol values in the wrong place */
export const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '\t\r\n', 'a@b.co', 'ADMIN@EXAMPLE.COM', 'zoë@example.com', 'zoe\u0308@example.com', 'user@bücher.example',
  'user@xn--bcher-kva.example', '🦄@example.com', 'a\u200b@example.com', '\u202eadmin@example.com', 'ａｄｍｉｎ@example.com', 'İ@example.com',
  '\ud800@example.com', 'x'.repeat(5000), '%00', '%', '../../etc/passwd', '<script>alert(1)</script>', "' OR 1=1 --", '${jndi:ldap://x/a}',
  '__proto__', '{"$gt":""}', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', 'a.b.c', 'S256', 'plain', 'authorization_code', 'password', 'refresh_token',
  'client_credentials', 'http://auth0.com/oauth/grant-type/mfa-otp', 'latchkey', 'openid offline_access', 'http://localhost:3000/callback',
  'javascript:alert(1)', '//evil.example', '-1', '0', '1e308', 'NaN', 'true', 'null', '00000000-0000-0000-0000-000000000000', '123456',
  'Robert\'); DROP TABLE users;--', 'ﷺ', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', '\uFEFF', '\uFFFF', 'admin', 'user',
];

const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
export const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...NASTY),
);

const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    weirdString,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(key, tie('v'), { maxKeys: 4 }),
  ),
})).v;

/** every commonly read field at once, so requests get past "missing field" into the handlers */
const fullForm = fc.record(
  {
    email: weirdString, password: weirdString, name: weirdString, username: weirdString, token: weirdString, refresh_token: weirdString,
    grant_type: fc.constantFrom('password', 'refresh_token', 'client_credentials', 'authorization_code', 'http://auth0.com/oauth/grant-type/mfa-otp', 'x'),
    client_id: fc.constantFrom('latchkey', 'nope', ''), client_secret: weirdString, code: weirdString, code_verifier: weirdString, mfa_token: weirdString,
    otp: weirdString, recovery_code: weirdString, new_password: weirdString, current_password: weirdString, scope: weirdString, redirect_uri: weirdString,
    description: weirdString, roles: fc.array(weirdString, { maxLength: 3 }), permissions: fc.array(weirdString, { maxLength: 3 }), _csrf: weirdString,
  },
  { requiredKeys: [] },
);

export const bodyObject = fc.oneof(fc.dictionary(key, value, { maxKeys: 8 }), fullForm as fc.Arbitrary<Record<string, unknown>>);

const CONTENT_TYPES = [
  'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=zzz', 'application/xml',
  'application/json; charset=utf-16', 'application/x-www-form-urlencoded; charset=latin1', 'application/jwt', '*/*', 'application/json;;;', '',
];

function formEncode(obj: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (Array.isArray(v)) for (const x of v) p.append(k, typeof x === 'string' ? x : JSON.stringify(x));
    else p.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return p.toString();
}

export interface FuzzBody {
  contentType?: string;
  payload?: string | Buffer;
  kind: string;
}

/** one poison value in EVERY field at once: the value reaches whatever the handler reads first */
const POISON = ['\u0000', 'a\u0000b@example.com', '\ud800x', 'x\udfff@example.com', '\u202eabc@example.com', '\uFEFFa@b.co', 'x'.repeat(5000), 'zoe\u0308@example.com'];
const poisoned = fc.tuple(fc.constantFrom(...POISON), fc.boolean()).map(([v, json]): FuzzBody => {
  const o = Object.fromEntries(FIELD_NAMES.filter((k) => !k.startsWith('__') && k !== 'constructor' && k !== 'prototype').map((k) => [k, v]));
  return json ? { kind: 'poison-json', contentType: 'application/json', payload: JSON.stringify(o) } : { kind: 'poison-form', contentType: 'application/x-www-form-urlencoded', payload: new URLSearchParams(o).toString() };
});

export const body: fc.Arbitrary<FuzzBody> = fc.oneof(
  fc.constant({ kind: 'none' }),
  { weight: 2, arbitrary: poisoned },
  bodyObject.map((o) => ({ kind: 'json', contentType: 'application/json', payload: JSON.stringify(o) })),
  bodyObject.map((o) => ({ kind: 'form', contentType: 'application/x-www-form-urlencoded', payload: formEncode(o) })),
  fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.oneof(weirdString, fc.constantFrom('{', '{"email":', '[]', '[[[[[[[[', 'null', '"x"', '1', 'a=b&a=c&a[]=d', '%E0%A4%A', '{"__proto__":{"admin":true}}'))).map(([contentType, payload]) => ({ kind: 'raw', contentType, payload })),
  fc.tuple(fc.constantFrom(...CONTENT_TYPES), fc.uint8Array({ maxLength: 64 })).map(([contentType, bytes]) => ({ kind: 'bytes', contentType, payload: Buffer.from(bytes) })),
  fc.integer({ min: 50, max: 3000 }).map((d) => ({ kind: 'deep', contentType: 'application/json', payload: '['.repeat(d) + ']'.repeat(d) })),
);

const queryPart = fc.oneof(
  fc.tuple(key, weirdString).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\ud800-\udfff]/g, ''))}`),
  fc.constantFrom('%E0%A4%A', '%00=%00', '&&&', '=', 'a[b][c]=d', 'page=-1', 'per_page=100000', 'page=1e9', 'q=%25', 'return_to=https://evil.example', 'redirect_uri=javascript:alert(1)'),
);
export const query = fc.array(queryPart, { maxLength: 5 }).map((parts) => (parts.length ? '?' + parts.join('&') : ''));

export function headers(adminToken: string | undefined) {
  return fc.record(
    {
      authorization: fc.oneof(
        printable.map((s) => `Bearer ${s}`),
        printable.map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
        fc.constantFrom('Basic !!!', 'Bearer', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', 'Digest x', 'Basic ' + Buffer.from(':').toString('base64')),
        fc.constant(adminToken ? `Bearer ${adminToken}` : 'Bearer nope'),
      ),
      cookie: fc.oneof(printable.map((s) => s.replace(/[;,]/g, '') + '=' + 'x'), fc.constantFrom('latchkey_session=s%3Aabc.def', 'latchkey_csrf=x; latchkey_flow=y', '__Host-latchkey_session=1')),
      accept: fc.constantFrom('text/html', 'application/json', '*/*', 'image/png', ''),
      origin: fc.constantFrom('https://evil.example', 'null', 'http://localhost:3000'),
      'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '::1, 10.0.0.1'),
      'x-request-id': printable,
    },
    { requiredKeys: [] },
  );
}

/** fills `:param` and `*` of a route pattern with hostile values */
export function pathFor(route: RouteEntry) {
  const params = route.url.match(/:[A-Za-z_]+|\*/g) ?? [];
  return fc.array(fc.oneof(fc.uuid(), weirdString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))), fc.constantFrom('..%2F..%2Fetc', '%2e%2e', 'x'.repeat(300))), { minLength: params.length, maxLength: params.length })
    .map((values) => {
      let i = 0;
      return route.url.replace(/:[A-Za-z_]+|\*/g, () => values[i++] || 'x');
    });
}
