// Unicode edge cases in emails and names (DESIGN §6): never a 5xx; one
// account per address however it is composed (NFC/NFD, case); no NUL or lone
// surrogate ever reaches Postgres (it would refuse them with an error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { createTestApp } from '../test/fixture.ts';
import { createUser } from '../test/oauth.ts';
import { canonicalEmail } from '../accounts/email.ts';

const pw = () => `Quartz-${randomBytes(8).toString('base64url')}-lantern`;
const tag = () => randomBytes(4).toString('hex');

const EMAILS = [
  (t: string) => `zoë.${t}@example.com`,
  (t: string) => `zoe\u0308.${t}@example.com`,
  (t: string) => `${t}@bücher.example`,
  (t: string) => `${t}@xn--bcher-kva.example`,
  (t: string) => `🦄${t}@example.com`,
  (t: string) => `${t}\u200b@example.com`,
  (t: string) => `\u202e${t}@example.com`,
  (t: string) => `ａ${t}@example.com`,
  (t: string) => `İ${t}@example.com`,
  (t: string) => `${t}\u0000@example.com`,
  (t: string) => `${t}\ud800@example.com`,
  (t: string) => `${t}@example.com\u0000`,
  (t: string) => `${'é'.repeat(80)}${t}@example.com`,
  (t: string) => `${t}@${'a'.repeat(250)}.com`,
  (t: string) => `"${t} x"@example.com`,
  (t: string) => `${t}@[127.0.0.1]`,
  (t: string) => ` ${t.toUpperCase()}@EXAMPLE.COM `,
];

const NAMES = ['Zoë', 'Zoe\u0308', '王小明', 'محمد', '\u202eevil', '👩‍👩‍👧‍👦', 'a\u0000b', 'tab\there', 'x'.repeat(1000), '\ud800', ' ', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', '\uFEFF', 'O\'Brien; DROP TABLE users;--'];

test('registration: Unicode emails and names get 201 or 400, never a 5xx, and nothing unstorable is stored', async () => {
  const t = await createTestApp();
  try {
    for (const make of EMAILS) {
      for (const name of [undefined, ...NAMES.slice(0, 3)]) {
        const email = make(tag());
        const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: pw(), ...(name === undefined ? {} : { name }) } });
        assert.ok([201, 400].includes(res.statusCode), `${JSON.stringify(email)} → ${res.statusCode} ${res.body}`);
        if (res.statusCode === 400) assert.equal(res.json().error, 'invalid_request');
      }
    }
    for (const name of NAMES) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email: `n${tag()}@example.com`, password: pw(), name } });
      assert.ok([201, 400].includes(res.statusCode), `name ${JSON.stringify(name)} → ${res.statusCode} ${res.body}`);
    }
    const rows = await t.app.db.user.findMany({ select: { email: true, emailCanonical: true, name: true } });
    for (const r of rows) {
      for (const v of [r.email, r.emailCanonical, r.name ?? '']) {
        assert.doesNotMatch(v, /\u0000/, 'NUL stored');
        assert.equal(v, v.normalize('NFC'), `not NFC: ${JSON.stringify(v)}`);
      }
      assert.equal(r.emailCanonical, canonicalEmail(r.email));
    }
  } finally {
    await t.close();
  }
});

test('one account per address: NFC/NFD and case variants register once and sign in to the same account', async () => {
  const t = await createTestApp();
  try {
    const local = `zoë.${tag()}`;
    const variants = [`${local}@example.com`, `${local.normalize('NFD')}@example.com`, `${local.toUpperCase()}@EXAMPLE.COM`, `${local.normalize('NFD').toUpperCase()}@Example.Com`];
    for (const email of variants) assert.equal((await t.app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: pw() } })).statusCode, 201);
    assert.equal(await t.app.db.user.count({ where: { emailCanonical: canonicalEmail(variants[0]!) } }), 1);

    const { password, user } = await createUser(t.app, { email: `renée.${tag()}@example.com` });
    for (const email of [user.email.normalize('NFD'), user.email.toUpperCase(), ` ${user.email} `]) {
      const res = await t.app.inject({ method: 'POST', url: '/auth/login', payload: { email, password } });
      assert.equal(res.statusCode, 200, `${JSON.stringify(email)}: ${res.body}`);
    }
  } finally {
    await t.close();
  }
});

test('property: any string as email or name at sign-in, registration, reset and verification is answered without a 5xx', async () => {
  const t = await createTestApp({ env: { LOCKOUT_THRESHOLD: '1000' } });
  try {
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(...NAMES));
    const urls = ['/auth/login', '/auth/register', '/auth/password/reset/request', '/auth/email/verification/request'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...urls), text, text, async (url, local, name) => {
        const email = url === '/auth/login' ? local : `${local}@example.com`;
        const res = await t.app.inject({ method: 'POST', url, payload: { email, password: pw(), name } });
        assert.ok(res.statusCode < 500, `${url} ${JSON.stringify(email)} → ${res.statusCode} ${res.body}`);
      }),
      { numRuns: 40 },
    );
  } finally {
    await t.close();
  }
});
