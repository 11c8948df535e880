// Which database errors mean "Postgres is unreachable" (answered 503) rather
// than a bad query (a bug: 500). Shapes as the driver adapter and pg raise them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDatabaseUnavailable } from './client.ts';

const named = (name: string, message: string, extra: object = {}) => Object.assign(new Error(message), { name }, extra);

test('a Postgres going away is unavailability, a bad query is not', () => {
  // Prisma's adapter inside a transaction, while Postgres shuts down (seen in the outage test)
  assert.ok(isDatabaseUnavailable(named('DriverAdapterError', 'terminating connection due to administrator command', { cause: { kind: 'postgres', code: '57P01' } })));
  // the same with only the SQLSTATE on its cause
  assert.ok(isDatabaseUnavailable(named('DriverAdapterError', 'something else', { cause: { kind: 'postgres', code: '57P01' } })));
  // the adapter's own kind on the cause: a statement of a transaction whose connection closed (seen in the outage test)
  assert.ok(isDatabaseUnavailable(named('DriverAdapterError', 'ConnectionClosed', { cause: { kind: 'ConnectionClosed' } })));
  // Prisma's own error, the adapter's error in meta (a query through the ORM while Postgres shuts down)
  const adapterError = (cause: object) => ({ meta: { driverAdapterError: named('DriverAdapterError', 'query failed', { cause }) } });
  assert.ok(isDatabaseUnavailable(named('PrismaClientKnownRequestError', 'Invalid invocation', { code: 'P2010', ...adapterError({ kind: 'postgres', originalCode: '57P01' }) })));
  assert.ok(isDatabaseUnavailable(named('PrismaClientKnownRequestError', 'Invalid invocation', { code: 'P2010', ...adapterError({ kind: 'ConnectionClosed' }) })));
  assert.ok(!isDatabaseUnavailable(named('PrismaClientKnownRequestError', 'Unique constraint failed', { code: 'P2002', ...adapterError({ kind: 'UniqueConstraintViolation', originalCode: '23505' }) })));
  // pg itself (db.sql)
  assert.ok(isDatabaseUnavailable(named('error', 'terminating connection due to administrator command', { code: '57P01' })));
  assert.ok(isDatabaseUnavailable(named('Error', 'Connection terminated unexpectedly')));
  assert.ok(isDatabaseUnavailable(named('Error', 'connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })));
  assert.ok(!isDatabaseUnavailable(named('error', 'syntax error at or near "SELEC"', { code: '42601' })));
  assert.ok(!isDatabaseUnavailable(named('DriverAdapterError', 'duplicate key value violates unique constraint', { cause: { kind: 'UniqueConstraintViolation' } })));
});
