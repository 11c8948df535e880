// Errors Fastify's router raises before any hook or error handler runs (a URL
// that is not valid percent-encoding, a path parameter over maxParamLength):
// answered in the same RFC 6749 JSON shape as every other refusal, with no
// internals (Fastify's default body echoes its error code and the whole path).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
  reply
    .code(tooLong ? 414 : 400)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; frame-ancestors 'none'")
    .send({ error: 'invalid_request', error_description: tooLong ? 'a path segment is too long' : 'the URL is not valid' });
}
