// One-shot messages shown on the next page after a redirect (POST → 303 → GET).
// Kept in a signed, HttpOnly, short-lived cookie, so no server state is needed.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { cookieName, cookieOptions } from './cookies.ts';

export type FlashKind = 'success' | 'error' | 'info';
export interface Flash {
  kind: FlashKind;
  message: string;
}

const KINDS = new Set<FlashKind>(['success', 'error', 'info']);
const setThisRequest = new WeakSet<FastifyReply>();

export function setFlash(reply: FastifyReply, kind: FlashKind, message: string): void {
  const app = reply.server;
  const value = Buffer.from(JSON.stringify({ kind, message: message.slice(0, 500) })).toString('base64url');
  reply.setCookie(cookieName(app, 'lk_flash'), value, cookieOptions(app, { signed: true, maxAge: 120 }));
  setThisRequest.add(reply);
}

/** Reads the pending message without clearing it. */
export function peekFlash(request: FastifyRequest): Flash | null {
  const raw = request.cookies[cookieName(request.server, 'lk_flash')];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  try {
    const parsed = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as Partial<Flash>;
    if (typeof parsed.message !== 'string' || !KINDS.has(parsed.kind as FlashKind)) return null;
    return { kind: parsed.kind as FlashKind, message: parsed.message };
  } catch {
    return null;
  }
}

/** Clears the cookie unless this same reply just set a new message. */
export function clearFlash(request: FastifyRequest, reply: FastifyReply): void {
  if (setThisRequest.has(reply)) return;
  if (request.cookies[cookieName(request.server, 'lk_flash')] === undefined) return;
  reply.clearCookie(cookieName(request.server, 'lk_flash'), cookieOptions(request.server));
}

export function takeFlash(request: FastifyRequest, reply: FastifyReply): Flash | null {
  const flash = peekFlash(request);
  clearFlash(request, reply);
  return flash;
}
