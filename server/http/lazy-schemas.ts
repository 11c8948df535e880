// Route schemas are compiled on a route's first request instead of at start-up.
// Fastify compiles every validator (Ajv) and response serializer
// (fast-json-stringify) of every route before it listens: about 0.4 s of a cold
// start's CPU for ~140 routes, most of which an instance may never serve. The
// compilers are Fastify's own, with the same options; only the moment moves.
// `compileAll` compiles everything still pending, so a test can prove that no
// schema fails to compile.
import ajvCompiler from '@fastify/ajv-compiler';
import serializerCompiler from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Validate = ((data: unknown, ctx?: object) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type Serialize = (data: unknown) => string;

function once<T>(pending: Set<() => unknown>, compile: () => T): () => T {
  let compiled: T | undefined;
  const get = () => {
    if (compiled === undefined) {
      compiled = compile();
      pending.delete(get);
    }
    return compiled;
  };
  pending.add(get);
  return get;
}

function lazyValidator(get: () => Validate): Validate {
  const validate: Validate = (data, ctx) => {
    const fn = get();
    const result = fn(data, ctx);
    validate.errors = fn.errors;
    return result;
  };
  // Fastify hands an Ajv function (one with `schemaEnv`) the request as parent, so Ajv can coerce a root value
  validate.schemaEnv = true;
  return validate;
}

/** what Fastify's compiler factories look like: (shared schemas, server options) → (route part) → function */
type Factory<F> = (externalSchemas: unknown, options: unknown) => (route: unknown) => F;

export function lazySchemas(): { schemaController: FastifyServerOptions['schemaController']; compileAll: () => number } {
  const pending = new Set<() => unknown>();
  const buildAjv = ajvCompiler() as unknown as Factory<Validate>;
  const buildFjs = serializerCompiler() as unknown as Factory<Serialize>;
  const buildValidator: Factory<Validate> = (externalSchemas, options) => {
    const compiler = buildAjv(externalSchemas, options);
    return (route) => lazyValidator(once(pending, () => compiler(route)));
  };
  const buildSerializer: Factory<Serialize> = (externalSchemas, options) => {
    const compiler = buildFjs(externalSchemas, options);
    return (route) => {
      const get = once(pending, () => compiler(route));
      return (data) => get()(data);
    };
  };
  // every schema not compiled yet (tests: a broken schema must fail there, not on a first request)
  const compileAll = () => {
    const all = [...pending];
    for (const compile of all) compile();
    return all.length;
  };
  const schemaController = { compilersFactory: { buildValidator, buildSerializer } } as FastifyServerOptions['schemaController'];
  return { schemaController, compileAll };
}
