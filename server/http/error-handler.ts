// One error model for the whole server: RFC 6749-style JSON for API routes, an
// HTML page for browser routes (routes registered with `config: { browser: true }`
// or any request that asks for text/html and hit no route). Never a stack trace.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors.ts';
import { StoreUnavailable } from '../store/store.ts';
import { isDatabaseUnavailable } from '../db/client.ts';
import { applySecurityHeaders } from '../security/security-headers.ts';

interface ErrorBody {
  status: number;
  error: string;
  error_description: string;
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

function classify(err: FastifyError | Error, request: FastifyRequest): ErrorBody {
  if (err instanceof HttpError) {
    return { status: err.statusCode, error: err.code, error_description: err.description, extra: err.extra, headers: err.headers };
  }
  const fe = err as FastifyError & { validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown> }>; validationContext?: string };
  if (fe.validation) {
    const details = fe.validation.map((v) => ({
      field: `${fe.validationContext ?? 'body'}${v.instancePath || ''}`.replace(/\//g, '.') + (v.params?.missingProperty ? `.${v.params.missingProperty}` : ''),
      message: v.message ?? 'is invalid',
    }));
    const first = details[0]!;
    return { status: 400, error: 'invalid_request', error_description: `${first.field} ${first.message}`, extra: { details } };
  }
  if (err instanceof StoreUnavailable) {
    return { status: 503, error: 'temporarily_unavailable', error_description: 'the session store (Redis) is unavailable; try again shortly', headers: { 'retry-after': '5' } };
  }
  if (isDatabaseUnavailable(err)) {
    return { status: 503, error: 'temporarily_unavailable', error_description: 'the database is unavailable; try again shortly', headers: { 'retry-after': '5' } };
  }
  const status = fe.statusCode ?? 500;
  if (status === 413) return { status, error: 'invalid_request', error_description: 'the request body is too large' };
  if (status === 415) return { status, error: 'invalid_request', error_description: `content type ${request.headers['content-type'] ?? '(none)'} is not supported here` };
  if (status === 429) return { status, error: 'too_many_requests', error_description: 'too many requests; slow down', extra: {} };
  if (status >= 400 && status < 500) {
    // Fastify's own 4xx (malformed JSON, bad content-length, ...): its message is safe to show
    return { status, error: 'invalid_request', error_description: fe.message.replace(/^Body cannot be empty.*$/, 'the request body is empty') };
  }
  return { status: 500, error: 'server_error', error_description: 'something went wrong on our side; it has been logged' };
}

export function wantsHtml(request: FastifyRequest): boolean {
  if ((request.routeOptions.config as { browser?: boolean } | undefined)?.browser) return true;
  if (request.routeOptions.url) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html');
}

async function send(request: FastifyRequest, reply: FastifyReply, body: ErrorBody) {
  const html = wantsHtml(request) && typeof reply.view === 'function';
  // unmatched URLs, and refusals by hooks that run before a route's own
  if (!reply.hasHeader('x-content-type-options')) applySecurityHeaders(request, reply, html);
  reply.status(body.status);
  for (const [k, v] of Object.entries(body.headers ?? {})) reply.header(k, v);
  reply.header('cache-control', 'no-store');
  if (html) {
    return reply.type('text/html').view('error.eta', { title: body.status >= 500 ? 'Something went wrong' : 'That did not work', status: body.status, message: body.error_description });
  }
  return reply.send({ error: body.error, error_description: body.error_description, ...body.extra });
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (err, request, reply) => {
    const body = classify(err as FastifyError, request);
    if (body.status >= 500 && body.status !== 503) request.log.error({ err }, 'request failed');
    else if (body.status === 503) request.log.warn({ reason: body.error_description }, 'dependency unavailable');
    return send(request, reply, body);
  });
  app.setNotFoundHandler(async (request, reply) =>
    send(request, reply, { status: 404, error: 'not_found', error_description: `no route for ${request.method} ${request.url.split('?')[0]}` }),
  );
}
