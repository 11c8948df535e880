// /logout: GET asks for confirmation (a GET must not sign anyone out: an <img>
// on another site could), POST (CSRF-checked) ends the browser session.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { csrfBody, verifyCsrf } from './csrf.ts';
import { endBrowserSession, getBrowserUser } from './browser-session.ts';
import { setFlash } from './flash.ts';

const Html = Type.String({ description: 'HTML page' });

export const logoutRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/logout', {
    config: { browser: true },
    schema: { hide: true, response: { 200: Html } },
  }, async (request, reply) => {
    const current = await getBrowserUser(request);
    if (!current) return reply.type('text/html').view('signed-out.eta', { title: 'Signed out' });
    return reply.type('text/html').view('logout.eta', { title: 'Sign out', email: current.user.email });
  });

  app.post('/logout', {
    config: { browser: true },
    preValidation: verifyCsrf,
    schema: { hide: true, body: Type.Object(csrfBody), response: { 303: Type.Null() } },
  }, async (request, reply) => {
    await endBrowserSession(request, reply, 'logout');
    setFlash(reply, 'success', 'You have been signed out.');
    return reply.redirect('/login', 303);
  });
};
