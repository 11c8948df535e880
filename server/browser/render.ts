// Small helpers for browser pages rendered with views/error.eta.
import type { FastifyReply, FastifyRequest } from 'fastify';

export function renderError(reply: FastifyReply, status: number, title: string, message: string): FastifyReply {
  reply.code(status).header('cache-control', 'no-store').type('text/html');
  return reply.view('error.eta', { title, status, message }) as unknown as FastifyReply;
}

export function renderForbidden(_request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return renderError(reply, 403, 'Not allowed', 'Your account does not have permission to open this page.');
}
