// The browser sign-in flow (Kratos-style): once the password is right but a
// second factor is still due, the flow is stored (10 minutes, bound to this
// browser) with the pending user, the methods passed so far and where to go
// afterwards. /mfa (ACCOUNTS) reads it with getLoginFlow and, after the code
// checks out, calls finishBrowserLogin, which starts the session and redirects.
import { setFlash } from './flash.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../db/generated/client.ts';
import { randomToken, sha256 } from '../security/crypto.ts';
import { audit } from '../audit/audit.ts';
import { browserBinding } from './csrf.ts';
import { startBrowserSession } from './browser-session.ts';
import { returnToOrDefault } from './return-to.ts';

export interface LoginFlow {
  id: string;
  userId: string;
  /** same-origin path to go to after sign-in */
  returnTo: string;
  /** methods already passed (RFC 8176), e.g. ['pwd'] */
  amr: string[];
  binding: string;
  createdAt: number;
}

const TTL_MS = 10 * 60_000;
const FLOW_ID = /^[A-Za-z0-9_-]{20,100}$/;
const key = (id: string) => `loginflow:${sha256(id)}`;

export async function createLoginFlow(request: FastifyRequest, reply: FastifyReply, data: { userId: string; returnTo: string; amr: string[] }): Promise<string> {
  const id = randomToken(24);
  const flow: LoginFlow = { id, userId: data.userId, returnTo: returnToOrDefault(data.returnTo, request.server.config.issuer), amr: data.amr, binding: browserBinding(request, reply), createdAt: Date.now() };
  await request.server.store.set(key(id), JSON.stringify(flow), TTL_MS);
  return id;
}

function parse(raw: string | null, request: FastifyRequest, reply: FastifyReply): LoginFlow | null {
  if (!raw) return null;
  const flow = JSON.parse(raw) as LoginFlow;
  // a flow id leaked from one browser (history, logs) is useless in another
  return flow.binding === browserBinding(request, reply) ? flow : null;
}

/** The pending flow of this browser, or null (unknown, expired, finished, or another browser's). */
export async function getLoginFlow(request: FastifyRequest, reply: FastifyReply, flowId: unknown): Promise<LoginFlow | null> {
  if (typeof flowId !== 'string' || !FLOW_ID.test(flowId)) return null;
  return parse(await request.server.store.get(key(flowId)), request, reply);
}

/** Atomically consumes the flow: it finishes at most one sign-in. */
export async function takeLoginFlow(request: FastifyRequest, reply: FastifyReply, flowId: unknown): Promise<LoginFlow | null> {
  if (typeof flowId !== 'string' || !FLOW_ID.test(flowId)) return null;
  return parse(await request.server.store.take(key(flowId)), request, reply);
}

function flowIdFrom(request: FastifyRequest): unknown {
  return (request.body as { flow?: unknown } | undefined)?.flow ?? (request.query as { flow?: unknown } | undefined)?.flow;
}

/**
 * Finishes a browser sign-in: starts the session (cookie), audits it and
 * redirects (303) to the flow's return_to (the caller then `return reply`). The flow id is taken from
 * opts.flowId, else the `flow` body/query field; with no flow, opts.returnTo.
 */
export async function finishBrowserLogin(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: { user: User; amr: string[]; flowId?: string; returnTo?: string },
): Promise<void> {
  const flowId = opts.flowId ?? flowIdFrom(request);
  const flow = flowId ? await takeLoginFlow(request, reply, flowId) : null;
  const returnTo = flow && flow.userId === opts.user.id ? flow.returnTo : returnToOrDefault(opts.returnTo, request.server.config.issuer);
  const session = await startBrowserSession(request, reply, { user: opts.user, amr: opts.amr });
  await audit(request, { action: 'login.succeeded', actorId: opts.user.id, actorEmail: opts.user.email, targetType: 'session', targetId: session.id, details: { via: 'browser', amr: opts.amr } });
  if (opts.user.mustChangePassword) {
    setFlash(reply, 'info', 'You signed in with a temporary password. Choose a new password to continue.');
    return void reply.redirect('/account#password', 303);
  }
  reply.redirect(returnTo, 303);
}
