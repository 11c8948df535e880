// Fills the layout's context (signed-in user for the nav, CSRF token, flash
// message, current path) for every route declared with `config: { browser: true }`.
// Registered at the root (skip-override) so it applies to the browser pages of
// every feature plugin registered after it.
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler } from 'fastify';
import { browserAccess, getBrowserUser } from './browser-session.ts';
import { csrfField } from './csrf.ts';
import { clearFlash, peekFlash } from './flash.ts';
import { allowFormActionForFlow, applyFormAction } from './form-action.ts';
import { addRouteHook } from '../http/route-hooks.ts';

const shown = new WeakSet<FastifyReply>();

const markBrowserPage: onRequestHookHandler = function markBrowserPage(request, _reply, done) {
  request.browserPage = true;
  done();
};

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
  // browser routes mark their requests when they arrive, so that the hooks
  // below (which every request passes) cost one property read elsewhere
  app.decorateRequest('browserPage', false);
  app.addHook('onRoute', (route: RouteOptions) => {
    if ((route.config as { browser?: boolean } | undefined)?.browser) {
      addRouteHook(route, 'onRequest', markBrowserPage);
    }
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (!request.browserPage) return done();
    fillPageContext(request, reply).then(() => done(), done);
  });
  // the flash is consumed only when a page actually displayed it (not on a redirect)
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.browserPage) {
      if (shown.has(reply) && reply.statusCode < 300) clearFlash(request, reply);
      applyFormAction(reply);
    }
    done(null, payload);
  });
}
(pageContextPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
export { pageContextPlugin };

declare module 'fastify' {
  interface FastifyReply {
    locals: Record<string, unknown> | null;
  }
  interface FastifyRequest {
    /** the route is a browser page (`config: { browser: true }`) */
    browserPage: boolean;
  }
}
