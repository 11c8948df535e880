// OpenID Connect Discovery 1.0 §3 and RFC 8414: one document under both
// well-known names, built from the same registries the endpoints use.
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { grants } from './grants/index.ts';
import { CLIENT_AUTH_METHODS } from './client-auth/authenticate-client.ts';
import { OIDC_SCOPES } from './tokens/scopes.ts';

export function discoveryDocument(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    jwks_uri: `${issuer}/oauth/jwks`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    end_session_endpoint: `${issuer}/oauth/logout`,
    scopes_supported: [...OIDC_SCOPES],
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: grants.map((g) => g.type),
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256', 'EdDSA', 'RS256'],
    token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
    introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS.filter((m) => m !== 'none'),
    code_challenge_methods_supported: ['S256'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'at_hash', 'sid', 'azp', 'email', 'email_verified', 'name'],
    prompt_values_supported: ['none', 'login', 'consent'],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  };
}

const WELL_KNOWN = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];
const CACHE_CONTROL = 'public, max-age=300';

export const discoveryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const schema = { tags: ['oauth'], summary: 'Authorization server metadata', response: { 200: Type.Object({}, { additionalProperties: true }) } };
  // the document never changes while the server runs: serialised once
  const json = JSON.stringify(discoveryDocument(app.config.issuer));
  // a plain function, not an async one: no promise per request
  const handler = (_request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', CACHE_CONTROL).type('application/json; charset=utf-8').send(json);
  };
  for (const url of WELL_KNOWN) {
    // answered before Fastify (http/fast-path.ts); the route answers the rest
    app.fastPath.publish(app, url, { json: () => json, cacheControl: CACHE_CONTROL });
    app.get(url, { schema }, handler);
  }
};
