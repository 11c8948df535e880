// Postgres text cannot hold U+0000: a NUL anywhere in a name, description or
// filter would reach the database and fail there (a 500). Refused up front, for
// every admin route, as the bad input it is.
import type { FastifyRequest } from 'fastify';
import { InvalidRequest } from '../http/errors.ts';

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 10 || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
}

export async function refuseNul(request: FastifyRequest): Promise<void> {
  if (hasNul(request.params) || hasNul(request.query) || hasNul(request.body)) {
    throw new InvalidRequest('the request contains a NUL character, which no field accepts');
  }
}
