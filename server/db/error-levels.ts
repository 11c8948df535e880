// Database errors arrive wrapped: pg's own error, Prisma's error with the
// driver adapter's in `meta`, the adapter's error with its kind on `cause`.
// What an error means (unreachable, duplicate, ...) sits on one of the levels.

export type ErrorLevel = { code?: string; originalCode?: string; kind?: string; name?: string; message?: string; cause?: unknown; meta?: { driverAdapterError?: unknown } };

/** true when `holds` is true of the error, of one of its causes, or of Prisma's driver-adapter error in `meta` */
export function anyErrorLevel(err: unknown, holds: (level: ErrorLevel) => boolean): boolean {
  const e = err as ErrorLevel | undefined;
  if (!e) return false;
  return holds(e) || anyErrorLevel(e.cause, holds) || anyErrorLevel(e.meta?.driverAdapterError, holds);
}
