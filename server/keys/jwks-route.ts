// GET /oauth/jwks (RFC 7517): the public keys that verify Latchkey's tokens:
// next (so caches have it before it signs), current, and previous (so tokens
// signed before a rotation verify until they expire).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { keyRing } from './key-ring.ts';

const Jwk = Type.Object({
  kty: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String(),
  crv: Type.Optional(Type.String()), x: Type.Optional(Type.String()), y: Type.Optional(Type.String()),
  n: Type.Optional(Type.String()), e: Type.Optional(Type.String()),
});

const CACHE_CONTROL = 'public, max-age=300';

export const jwksRoute: FastifyPluginAsyncTypebox = async (app) => {
  const ring = keyRing(app);
  await ring.jwksJson();
  // fresh keys are answered before Fastify (http/fast-path.ts); the route answers the rest
  app.fastPath.publish(app, '/oauth/jwks', { json: () => ring.freshJwksJson(), cacheControl: CACHE_CONTROL });
  app.get('/oauth/jwks', {
    schema: { tags: ['oauth'], summary: 'JSON Web Key Set', response: { 200: Type.Object({ keys: Type.Array(Jwk) }) } },
  }, (_request, reply) => {
    // serialised once per key set, not per request (a string body skips the serializer);
    // a plain function, not an async one: fresh keys are answered without a promise
    const send = (json: string) => void reply.header('cache-control', CACHE_CONTROL).type('application/json; charset=utf-8').send(json as never);
    const fresh = ring.freshJwksJson();
    if (fresh) return send(fresh);
    return ring.jwksJson().then(send);
  });
};
