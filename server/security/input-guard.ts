// Text that no part of Latchkey can store or compare safely is refused at the
// door with 400, before validation and handlers: NUL (Postgres text cannot
// hold it, so it would surface as a 500) and unpaired UTF-16 surrogates (they
// would silently become U+FFFD, so two different inputs could meet as one).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { InvalidRequest } from '../http/errors.ts';

const MAX_DEPTH = 32;
const UNPAIRED = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** the dotted path of the first unstorable string in `value`, or null */
export function findUnstorable(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') || UNPAIRED.test(value) ? path : null;
  if (depth > MAX_DEPTH) return `${path} (nested too deeply)`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findUnstorable(value[i], `${path}.${i}`, depth + 1);
      if (bad) return bad;
    }
  } else if (value && typeof value === 'object') {
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const bad = findUnstorable(k, `${path} key`, depth + 1) ?? findUnstorable((value as Record<string, unknown>)[k], `${path}.${k}`, depth + 1);
      if (bad) return bad;
    }
  }
  return null;
}

// a callback hook, not an async one: it runs on every request
function guard(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  const bad = findUnstorable(request.query, 'query') ?? findUnstorable(request.params, 'params') ?? findUnstorable(request.body, 'body');
  if (!bad) return done();
  done(new InvalidRequest(`${bad} contains a NUL character or an unpaired surrogate`, { details: [{ field: bad, message: 'contains a NUL character or an unpaired surrogate' }] }));
}

export const inputGuardPlugin = fp(async function inputGuard(app: FastifyInstance) {
  app.addHook('preValidation', guard);
}, { name: 'latchkey-input-guard' });
