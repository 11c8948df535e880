// Fills the layout's context (signed-in user for the nav, CSRF token, flash
// message, current path) for every route declared with `config: { browser: true }`.
// Registered at the root (skip-override) so it applies to the browser pages of
// every feature plugin registered after it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { browserAccess, getBrowserUser } from './browser-session.ts';
import { csrfField } from './csrf.ts';
import { clearFlash, peekFlash } from './flash.ts';
import { allowFormActionForFlow, applyFormAction } from './form-action.ts';

const shown = new WeakSet<FastifyReply>();

function isBrowserRoute(request: FastifyRequest): boolean {
  return Boolean((request.routeOptions.config as { browser?: boolean } | undefined)?.browser);
}

export async function fillPageContext(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const locals = (reply.locals ??= {}) as Record<string, unknown>;
  locals.currentPath = request.url.split('?')[0];
  locals.csrfToken = csrfField(request, reply);
  const bu = await getBrowserUser(request);
  if (bu) {
    const { permissions } = await browserAccess(request, bu.user.id);
    locals.currentUser = { id: bu.user.id, email: bu.user.email, name: bu.user.name, isAdmin: permissions.includes('admin:access') };
  } else {
    locals.currentUser = null;
  }
  if (request.method === 'GET') {
    locals.flash = peekFlash(request);
    if (locals.flash) shown.add(reply);
  }
  // sign-in and MFA forms that end at a client may redirect there (see form-action.ts)
  await allowFormActionForFlow(request, reply);
  // pages hold CSRF tokens and personal data: never cache them
  reply.header('cache-control', 'no-store');
}

async function pageContextPlugin(app: FastifyInstance): Promise<void> {
  app.addHook('preHandler', async (request, reply) => {
    if (isBrowserRoute(request)) await fillPageContext(request, reply);
  });
  // the flash is consumed only when a page actually displayed it (not on a redirect)
  app.addHook('onSend', async (request, reply, payload) => {
    if (shown.has(reply) && reply.statusCode < 300) clearFlash(request, reply);
    if (isBrowserRoute(request)) applyFormAction(reply);
    return payload;
  });
}
(pageContextPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
export { pageContextPlugin };

declare module 'fastify' {
  interface FastifyReply {
    locals: Record<string, unknown> | null;
  }
}
