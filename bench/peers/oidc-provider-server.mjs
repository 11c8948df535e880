// The peer the benchmarks compare with: panva's oidc-provider (certified OpenID
// provider) with JWT (RFC 9068) access tokens signed ES256, the client
// credentials grant and introspection, its default in-memory adapter.
// POST /token with resource=urn:latchkey-bench:api gets a JWT access token.
// Usage: PORT=n node bench/peers/oidc-provider-server.mjs  → prints "ready" when listening.
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT ?? 3999);
const issuer = `http://127.0.0.1:${port}`;
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
const resource = 'urn:latchkey-bench:api';

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'bench',
    client_secret: 'bench-secret-0123456789abcdef0123456789abcdef',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
  }],
  jwks: { keys: [jwk] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true, allowedPolicy: () => true },
    resourceIndicators: {
      enabled: true,
      // no resource → an opaque token: oidc-provider refuses to introspect its JWTs
      // ("Structured JWT Tokens cannot be introspected"), so the introspection
      // baseline introspects an opaque client-credentials token instead.
      defaultResource: (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: resource,
        accessTokenFormat: 'jwt',
        accessTokenTTL: 900,
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
  scopes: ['api:read'],
  ttl: { ClientCredentials: 900 },
});
// silence the "development only" warnings of the default adapter / config under load
provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider error: ${err.message}\n`));
provider.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
