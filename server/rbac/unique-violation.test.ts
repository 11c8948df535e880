// Which database errors are a unique-constraint violation (answered 409), in
// the shapes Prisma, the pg driver adapter and pg raise them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUniqueViolation } from './unique-violation.ts';

const named = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name }, extra);
const adapterError = (cause: object) => named('DriverAdapterError', 'UniqueConstraintViolation', { cause });

test('a unique violation is recognised in every shape, other errors are not', () => {
  assert.ok(isUniqueViolation(named('PrismaClientKnownRequestError', 'Unique constraint failed', { code: 'P2002' })));
  // pg itself (db.sql)
  assert.ok(isUniqueViolation(named('error', 'duplicate key value violates unique constraint "users_email_key"', { code: '23505' })));
  // Prisma's error with the adapter's in meta
  assert.ok(isUniqueViolation(named('PrismaClientKnownRequestError', 'Invalid invocation', { code: 'P2010', meta: { driverAdapterError: adapterError({ kind: 'UniqueConstraintViolation', originalCode: '23505' }) } })));
  // the adapter's own error, its kind on the cause
  assert.ok(isUniqueViolation(adapterError({ kind: 'UniqueConstraintViolation' })));
  assert.ok(isUniqueViolation(adapterError({ kind: 'postgres', originalCode: '23505' })));

  assert.ok(!isUniqueViolation(undefined));
  assert.ok(!isUniqueViolation(named('PrismaClientKnownRequestError', 'Record to update not found', { code: 'P2025' })));
  assert.ok(!isUniqueViolation(named('PrismaClientKnownRequestError', 'Invalid invocation', { code: 'P2010', meta: { driverAdapterError: adapterError({ kind: 'ForeignKeyConstraintViolation', originalCode: '23503' }) } })));
  assert.ok(!isUniqueViolation(adapterError({ kind: 'ConnectionClosed' })));
});
