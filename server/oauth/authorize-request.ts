// Validates an authorization request (RFC 6749 §4.1.1, RFC 7636, OIDC Core
// §3.1.2.1) in the order §4.1.2.1 demands: first the client and its redirect
// URI (errors there are shown to the user, NEVER redirected: that would make
// Latchkey an open redirector), then everything else (errors redirected to the
// client with `state` and `iss`).
import type { FastifyInstance } from 'fastify';
import type { Client } from '../db/generated/client.ts';
import { findClient } from '../clients/client-service.ts';
import { parseScope, userScopes } from './tokens/scopes.ts';
import { redirectUriAllowed } from './redirect-uri.ts';

export interface AuthorizeRequest {
  client: Client;
  redirectUri: string;
  state?: string;
  scope: string[] | undefined;
  codeChallenge: string;
  nonce?: string;
  prompt: Set<string>;
  maxAge?: number;
  loginHint?: string;
}

/** Shown as an HTML page: the client or redirect URI cannot be trusted. */
export class AuthorizeFatal extends Error {}

/** Redirected to the (validated) redirect URI as `error=...` (RFC 6749 §4.1.2.1). */
export class AuthorizeRedirectError extends Error {
  constructor(readonly error: string, readonly description: string, readonly redirectUri: string, readonly state?: string) {
    super(description);
  }
}

const PARAMS = ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'code_challenge_method', 'nonce', 'prompt', 'max_age', 'login_hint', 'response_mode', 'request', 'request_uri'] as const;
const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

type Query = Record<string, unknown>;

function single(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  return typeof v === 'string' ? v : undefined;
}

export async function parseAuthorizeRequest(app: FastifyInstance, query: Query): Promise<AuthorizeRequest> {
  const clientId = single(query, 'client_id');
  if (!clientId) throw new AuthorizeFatal('The request names no client (client_id is missing or repeated).');
  // RFC 6749 Appendix A.1: client_id is VSCHAR; anything else cannot name a client (and never reaches the database)
  const client = /^[\x20-\x7e]{1,200}$/.test(clientId) ? await findClient(app, clientId) : null;
  if (!client || client.disabledAt) throw new AuthorizeFatal('The application that sent you here is not registered with Latchkey.');

  const given = single(query, 'redirect_uri');
  if (query.redirect_uri !== undefined && given === undefined) throw new AuthorizeFatal('The redirect URI of this request is invalid.');
  // exact match (RFC 9700 §4.1.3; loopback ports per RFC 8252 §7.3); omitted only when exactly one is registered (RFC 6749 §3.1.2.3)
  const redirectUri = given ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
  if (!redirectUri || !redirectUriAllowed(client, redirectUri)) {
    throw new AuthorizeFatal('The redirect URI of this request is not registered for this application.');
  }

  const rawState = query.state;
  const state = typeof rawState === 'string' && rawState.length <= 4096 ? rawState : undefined;
  const fail = (error: string, description: string): never => {
    throw new AuthorizeRedirectError(error, description, redirectUri, state);
  };

  // RFC 6749 §3.1: parameters must not be repeated
  for (const name of PARAMS) if (Array.isArray(query[name])) fail('invalid_request', `${name} must not be repeated`);
  if (rawState !== undefined && state === undefined) fail('invalid_request', 'state is too long');
  if (query.request !== undefined) fail('request_not_supported', 'request objects are not supported');
  if (query.request_uri !== undefined) fail('request_uri_not_supported', 'request_uri is not supported');

  const responseType = single(query, 'response_type');
  if (!responseType) fail('invalid_request', 'response_type is required');
  if (responseType !== 'code') fail('unsupported_response_type', 'only response_type=code is supported');
  const responseMode = single(query, 'response_mode');
  if (responseMode && responseMode !== 'query') fail('invalid_request', 'only response_mode=query is supported');
  if (!client.grantTypes.includes('authorization_code')) fail('unauthorized_client', 'this client may not use the authorization code grant');

  // RFC 7636 + RFC 9700 §2.1.1: PKCE with S256 for every client, confidential ones included
  const codeChallenge = single(query, 'code_challenge');
  if (!codeChallenge) fail('invalid_request', 'code_challenge is required (PKCE with S256)');
  const method = single(query, 'code_challenge_method');
  if (method !== 'S256') fail('invalid_request', 'code_challenge_method must be S256 (plain is not supported)');
  if (!S256_CHALLENGE.test(codeChallenge!)) fail('invalid_request', 'code_challenge must be a base64url SHA-256 value (43 characters)');

  let scope: string[] | undefined;
  try {
    scope = parseScope(query.scope);
    // a permission scope the user lacks is dropped later, not refused; scopes the client may not ask for are refused now
    userScopes(client, scope, []);
  } catch (err) {
    fail('invalid_scope', (err as Error).message);
  }

  const prompt = new Set((single(query, 'prompt') ?? '').split(' ').filter(Boolean));
  for (const p of prompt) if (!PROMPTS.has(p)) fail('invalid_request', `prompt=${p} is not supported`);
  if (prompt.has('none') && prompt.size > 1) fail('invalid_request', 'prompt=none cannot be combined with other values');

  const rawMaxAge = single(query, 'max_age');
  if (rawMaxAge !== undefined && !/^\d{1,9}$/.test(rawMaxAge)) fail('invalid_request', 'max_age must be a non-negative integer');

  const nonce = single(query, 'nonce');
  if (nonce !== undefined && nonce.length > 512) fail('invalid_request', 'nonce is too long');
  const loginHint = single(query, 'login_hint');

  return {
    client,
    redirectUri,
    state,
    scope,
    codeChallenge: codeChallenge!,
    nonce,
    prompt,
    maxAge: rawMaxAge === undefined ? undefined : Number(rawMaxAge),
    loginHint: loginHint && loginHint.length <= 320 ? loginHint : undefined,
  };
}
