// The browser session: a signed HttpOnly cookie naming one `sessions` row of the
// first-party client `latchkey`. The row is the truth: a session revoked,
// expired, or of a disabled user makes the browser anonymous at once, on every
// instance (the shared revocation marker is checked too, as isSessionActive does).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Session, User } from '../db/generated/client.ts';
import { createSession, revokeSession } from '../sessions/session-service.ts';
import { isSessionRevoked } from '../sessions/revocation-markers.ts';
import { effectiveAccess } from '../rbac/effective-access.ts';
import { cookieName, cookieOptions } from './cookies.ts';
import { renderForbidden } from './render.ts';

export const BROWSER_CLIENT_ID = 'latchkey';
const TOUCH_EVERY_MS = 5 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface BrowserUser {
  user: User;
  session: Session;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** set by requireBrowserUser (and by the page context on browser pages when signed in) */
    browserUser?: BrowserUser;
  }
}

const resolved = new WeakMap<FastifyRequest, Promise<BrowserUser | null>>();
const access = new WeakMap<FastifyRequest, Promise<{ roles: string[]; permissions: string[] }>>();

async function load(request: FastifyRequest): Promise<BrowserUser | null> {
  const raw = request.cookies[cookieName(request.server, 'lk_session')];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value || !UUID.test(unsigned.value)) return null;
  // the row and the cross-instance revocation marker (what isSessionActive checks), in parallel
  const [session, revoked] = await Promise.all([
    request.server.db.session.findUnique({ where: { id: unsigned.value }, include: { user: true } }),
    isSessionRevoked(request.server, unsigned.value),
  ]);
  if (!session || revoked || session.clientId !== BROWSER_CLIENT_ID || session.revokedAt || session.expiresAt <= new Date()) return null;
  if (session.user.disabledAt) return null;
  const { user, ...row } = session;
  if (Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    // "last used" on the account page; at most one write per session every few minutes
    row.lastUsedAt = new Date();
    await request.server.db.session.update({ where: { id: row.id }, data: { lastUsedAt: row.lastUsedAt } }).catch((err) => request.log.warn({ err }, 'session touch failed'));
  }
  return { user, session: row };
}

/** The signed-in browser user, or null. Cached for the request. */
export function getBrowserUser(request: FastifyRequest): Promise<BrowserUser | null> {
  let p = resolved.get(request);
  if (!p) {
    p = load(request).then((bu) => {
      if (bu) request.browserUser = bu;
      return bu;
    });
    resolved.set(request, p);
  }
  return p;
}

/** Roles and permissions of the signed-in browser user (inherited roles included). */
export function browserAccess(request: FastifyRequest, userId: string): Promise<{ roles: string[]; permissions: string[] }> {
  let p = access.get(request);
  if (!p) access.set(request, (p = effectiveAccess(request.server.db, userId)));
  return p;
}

export async function startBrowserSession(request: FastifyRequest, reply: FastifyReply, opts: { user: User; amr: string[] }): Promise<Session> {
  // a new sign-in never reuses the previous session (session fixation, user switch)
  const previous = await getBrowserUser(request);
  if (previous) await revokeSession(request.server, previous.session.id, 'replaced');
  const session = await createSession(request.server, {
    userId: opts.user.id,
    clientId: BROWSER_CLIENT_ID,
    amr: opts.amr,
    ip: request.ip,
    userAgent: request.headers['user-agent']?.slice(0, 500),
    authTime: new Date(),
  });
  reply.setCookie(cookieName(request.server, 'lk_session'), session.id, cookieOptions(request.server, { signed: true, expires: session.expiresAt }));
  const bu = { user: opts.user, session };
  resolved.set(request, Promise.resolve(bu));
  request.browserUser = bu;
  return session;
}

export async function endBrowserSession(request: FastifyRequest, reply: FastifyReply, reason: string): Promise<void> {
  const current = await getBrowserUser(request);
  if (current) await revokeSession(request.server, current.session.id, reason, { id: current.user.id, email: current.user.email });
  reply.clearCookie(cookieName(request.server, 'lk_session'), cookieOptions(request.server));
  resolved.set(request, Promise.resolve(null));
  request.browserUser = undefined;
}

/** Login URL that brings the browser back here afterwards (a GET page; a POST cannot be replayed). */
export function loginUrlFor(request: FastifyRequest): string {
  if (request.method !== 'GET' && request.method !== 'HEAD') return '/login';
  return `/login?return_to=${encodeURIComponent(request.url)}`;
}

/** preHandler for signed-in pages: anonymous → /login?return_to=…; missing permission → 403 page. */
export function requireBrowserUser(permission?: string): preHandlerAsyncHookHandler {
  return async function requireBrowserUserHook(request, reply) {
    const bu = await getBrowserUser(request);
    if (!bu) return reply.redirect(loginUrlFor(request), 303);
    // an administrator set a temporary password: nothing but /account until it is changed
    if (bu.user.mustChangePassword && !request.url.startsWith('/account')) return reply.redirect('/account#password', 303);
    if (permission) {
      const { permissions } = await browserAccess(request, bu.user.id);
      if (!permissions.includes(permission)) return renderForbidden(request, reply);
    }
  };
}
