// A unique-constraint violation, in the shapes Prisma and the pg driver adapter
// raise it: Prisma's P2002, Postgres' 23505, or the adapter's kind, on the
// error, on one of its causes, or on Prisma's adapter error in `meta`.
type ErrorShape = { code?: string; originalCode?: string; kind?: string; cause?: unknown; meta?: { driverAdapterError?: unknown } };

export function isUniqueViolation(err: unknown): boolean {
  const e = err as ErrorShape | undefined;
  if (!e) return false;
  if (e.code === 'P2002' || e.code === '23505' || e.originalCode === '23505' || e.kind === 'UniqueConstraintViolation') return true;
  return isUniqueViolation(e.cause) || isUniqueViolation(e.meta?.driverAdapterError);
}
