// A unique-constraint violation, in the shapes Prisma and the pg driver adapter
// raise it: Prisma's P2002, Postgres' 23505, or the adapter's kind, on any level
// of the error (db/error-levels.ts).
import { anyErrorLevel } from '../db/error-levels.ts';

export function isUniqueViolation(err: unknown): boolean {
  return anyErrorLevel(err, (e) => e.code === 'P2002' || e.code === '23505' || e.originalCode === '23505' || e.kind === 'UniqueConstraintViolation');
}
