import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPassword, assertPasswordPolicy, leakedListSize } from './password-policy.ts';
import { HttpError } from '../http/errors.ts';

test('the leaked-password list holds at least 10,000 entries', () => {
  assert.ok(leakedListSize() >= 10_000, String(leakedListSize()));
});

test('length: 10 to 256 characters', () => {
  assert.match(checkPassword('Xq7#vL2p!').problems.join(), /at least 10/);
  assert.ok(checkPassword('Xq7#vL2p!z').ok);
  assert.ok(checkPassword('wobbly-penguin-'.repeat(17).slice(0, 256)).ok);
  assert.match(checkPassword('a'.repeat(257)).problems.join(), /at most 256/);
});

test('common leaked passwords are refused whatever their case', () => {
  for (const pw of ['1234567890', 'qwertyuiop', 'PASSWORD123', 'iloveyou12']) {
    const c = checkPassword(pw);
    assert.equal(c.ok, false, pw);
  }
  assert.match(checkPassword('qwertyuiop').problems.join(), /commonly used/);
});

test('the email, its local part or the name are refused', () => {
  assert.match(checkPassword('ada.lovelace@example.com', { email: 'Ada.Lovelace@example.com' }).problems.join(), /email address or name/);
  assert.match(checkPassword('ada.lovelace', { email: 'ada.lovelace@example.com' }).problems.join(), /email address or name/);
  assert.match(checkPassword('Grace Hopper Jr', { name: 'grace hopper jr' }).problems.join(), /email address or name/);
});

test('too guessable passwords are refused with feedback; strong ones pass with a score', () => {
  const weak = checkPassword('aaaaaaaaaaaa');
  assert.equal(weak.ok, false);
  assert.ok(weak.score < 2);
  const strong = checkPassword('violet-tractor-91-sunrise');
  assert.ok(strong.ok, strong.problems.join());
  assert.ok(strong.score >= 3);
});

test('assertPasswordPolicy throws invalid_request with field details', () => {
  assert.throws(() => assertPasswordPolicy('short', {}, 'new_password'), (err: unknown) => {
    assert.ok(err instanceof HttpError);
    assert.equal(err.statusCode, 400);
    assert.equal(err.code, 'invalid_request');
    assert.deepEqual((err.extra.details as Array<{ field: string }>)[0]!.field, 'body.new_password');
    return true;
  });
});
