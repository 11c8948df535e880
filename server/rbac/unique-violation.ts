// Prisma reports a unique-constraint violation as P2002 (through the pg adapter
// sometimes only as Postgres' 23505 in the cause chain).
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } } | undefined;
  if (!e) return false;
  if (e.code === 'P2002' || e.code === '23505') return true;
  const cause = e.meta?.driverAdapterError?.cause;
  if (cause?.originalCode === '23505' || cause?.kind === 'UniqueConstraintViolation') return true;
  return e.cause ? isUniqueViolation(e.cause) : false;
}
