// `/`: there is no landing page; send people where they can do something.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { getBrowserUser } from './browser-session.ts';

export const homeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/', { config: { browser: true }, schema: { hide: true, response: { 303: Type.Null() } } }, async (request, reply) => {
    return reply.redirect((await getBrowserUser(request)) ? '/account' : '/login', 303);
  });
};
