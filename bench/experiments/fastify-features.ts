// Experiment (not part of `npm run bench`): what the generic parts of a
// production Fastify server cost next to the bare route. VARIANT is a comma list
// of cookie (the @fastify/cookie plugin), uuid (random request ids), hooks (one
// trivial global hook in each of preValidation, preHandler, onSend and
// onResponse), headers (security headers and the request id, per route), body
// (a JWKS-sized string body with cache headers), logger (pino at warn).
// Run all variants: bash bench/experiments/fastify-features.sh
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { randomUUID } from 'node:crypto';
const on = new Set((process.env.VARIANT ?? '').split(','));
const app = Fastify({ logger: on.has('logger') ? { level: 'warn' } : false, ...(on.has('uuid') ? { genReqId: () => randomUUID() } : {}) });
if (on.has('cookie')) await app.register(cookie, { secret: 'x'.repeat(32) });
if (on.has('hooks')) {
  app.addHook('preValidation', (req, reply, done) => done());
  app.addHook('preHandler', (req, reply, done) => done());
  app.addHook('onSend', (req, reply, payload, done) => done(null, payload));
  app.addHook('onResponse', (req, reply, done) => done());
}
const headers = { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'", 'x-content-type-options': 'nosniff' };
const big = JSON.stringify({ keys: [{ x: '3nK7DHJxQcQene17nPvtQmPzYwaM4ujBc04MBWFWaec', y: 'GxAi-O-GnE4k1LdlOSXUabQgH05_vw9iPp42AO4UPik', alg: 'ES256', crv: 'P-256', kid: 'vH_SFQrnp7dYd3oNKYliBEnYKllGqjSz6OXQU6WUiJA', kty: 'EC', use: 'sig' }] });
app.get('/json', {
  onRequest: on.has('headers') ? [(req, reply, done) => { reply.headers(headers); reply.header('x-request-id', req.id); done(); }] : [],
}, (req, reply) => { if (on.has('body')) reply.header('cache-control', 'public, max-age=300').type('application/json; charset=utf-8').send(big); else reply.send({ status: 'ok', issuer: 'http://127.0.0.1', keys: ['a', 'b'] }); });
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
