// What every admin console page shares: the actor behind a browser session,
// the permissions that decide which forms a page shows, rendering inside the
// console's section navigation, and POST-redirect-GET for forms (a refused
// change comes back as an error flash on the page it came from).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { Type } from '@sinclair/typebox';
import { browserAccess, requireBrowserUser } from '../browser/browser-session.ts';
import { csrfBody } from '../browser/csrf.ts';
import { setFlash } from '../browser/flash.ts';
import { HttpError } from '../http/errors.ts';
import type { Actor } from './actor.ts';
import { detailsText } from './fmt.ts';

export const SECTIONS = [
  { key: 'dashboard', href: '/admin', label: 'Dashboard', permission: 'admin:access' },
  { key: 'users', href: '/admin/users', label: 'Users', permission: 'users:read' },
  { key: 'roles', href: '/admin/roles', label: 'Roles', permission: 'roles:read' },
  { key: 'permissions', href: '/admin/permissions', label: 'Permissions', permission: 'roles:read' },
  { key: 'sessions', href: '/admin/sessions', label: 'Sessions', permission: 'sessions:read' },
  { key: 'clients', href: '/admin/clients', label: 'Clients', permission: 'clients:read' },
  { key: 'audit', href: '/admin/audit', label: 'Audit log', permission: 'audit:read' },
] as const;

export type Section = (typeof SECTIONS)[number]['key'];

/** preHandler for a page or form: the signed-in user must hold every one of `permissions` (403 page otherwise). */
export function requirePage(...permissions: string[]): preHandlerAsyncHookHandler[] {
  return permissions.map((p) => requireBrowserUser(p));
}

export function pageActor(request: FastifyRequest): Actor {
  const user = request.browserUser!.user;
  return { id: user.id, email: user.email, ip: request.ip };
}

export async function permissionsOf(request: FastifyRequest): Promise<string[]> {
  return (await browserAccess(request, request.browserUser!.user.id)).permissions;
}

/** Renders views/admin/<view>.eta in the console frame; `can('users:write')` tells the view which forms to show. */
export async function renderAdmin(request: FastifyRequest, reply: FastifyReply, view: string, section: Section, title: string, data: Record<string, unknown> = {}, status = 200) {
  const perms = await permissionsOf(request);
  const nav = SECTIONS.filter((s) => perms.includes(s.permission)).map((s) => ({ ...s, current: s.key === section }));
  return reply.code(status).type('text/html').view(`admin/${view}.eta`, {
    title: `${title} · Admin`, heading: title, wide: true, nav, can: (p: string) => perms.includes(p), json: detailsText, me: request.browserUser!.user.id, ...data,
  });
}

/**
 * Runs a form's change and redirects (303) with a flash: the success message
 * (to `back`, or where the change says), or, back on the same page, the reason
 * a rule refused it (4xx errors from the services). Nothing else is sent.
 */
export async function formAction(reply: FastifyReply, back: string, work: () => Promise<string | { message: string; to: string }>) {
  let to = back;
  try {
    const done = await work();
    if (typeof done === 'string') setFlash(reply, 'success', done);
    else {
      setFlash(reply, 'success', done.message);
      to = done.to;
    }
  } catch (err) {
    if (!(err instanceof HttpError) || err.statusCode >= 500) throw err;
    setFlash(reply, 'error', err.description);
  }
  return reply.redirect(to, 303);
}

export class NotConfirmed extends HttpError {
  constructor(what: string) {
    super(400, 'invalid_request', `Nothing was changed: confirm that you want to ${what}.`);
  }
}

/** Form bodies: the CSRF field plus the form's own fields. */
export const form = <T extends Record<string, import('@sinclair/typebox').TSchema>>(fields: T) => Type.Object({ ...csrfBody, ...fields });
export const Confirm = Type.Optional(Type.Literal('yes'));
export const Html = Type.String({ description: 'HTML page' });
export const pageRoute = { browser: true } as const;
