// return_to must never leave the issuer's origin, whatever a link carries.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_RETURN_TO, returnToOrDefault, safeReturnTo } from './return-to.ts';

const ISSUER = 'https://id.example.com';

describe('safeReturnTo', () => {
  it('keeps same-origin paths with their query', () => {
    assert.equal(safeReturnTo('/account', ISSUER), '/account');
    assert.equal(safeReturnTo('/oauth/authorize?client_id=a&state=x%20y', ISSUER), '/oauth/authorize?client_id=a&state=x%20y');
  });

  it('refuses absolute, scheme-relative, backslash and control-character forms', () => {
    for (const bad of ['//evil.com', '///evil.com', '/\\evil.com', '\\\\evil.com', 'https://evil.com', 'http:evil.com', 'javascript:alert(1)',
      ' /account', '/\taccount', '/.//evil.com', '/a/..//evil.com', '/%2e//evil.com', '/..//evil.com', '/./\\evil.com', '/\nevil', 'evil.com', '', '.', '../x', `/${'a'.repeat(5000)}`, 'https://id.example.com/account']) {
      assert.equal(safeReturnTo(bad, ISSUER), null, JSON.stringify(bad));
    }
    assert.equal(safeReturnTo(['/a'] as unknown, ISSUER), null);
    assert.equal(returnToOrDefault('//evil.com', ISSUER), DEFAULT_RETURN_TO);
  });

  it('property: any accepted value resolves to the issuer origin and is a plain path', () => {
    const pieces = fc.constantFrom('/', '//', '\\', '.', '..', '/./', '/../', '%2e', '%2f', '%5c', ':', '@', '?', '#', 'evil.com', 'a', ' ', '\t', '\n', '\u0000', 'https:', 'javascript:');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 12 }).map((a) => a.join('')), (value) => {
      const out = safeReturnTo(value, ISSUER);
      if (out === null) return true;
      return out.startsWith('/') && !out.startsWith('//') && !out.includes('\\') && new URL(out, ISSUER).origin === ISSUER;
    }), { numRuns: 5000 });
  });
});
