// What is measured, how each target is prepared, and the goal it must meet
// (issue 7). A target whose endpoint is missing (404) is skipped, not failed.
import { cpus } from 'node:os';
import type { LoadResult, LoadSpec } from './load.ts';
import { LOGIN_USERS, loginEmail, searchTerm, type Prepared } from './prepare.ts';
import { ADMIN } from './latchkey.ts';
import { call, expectOk, form, Skip, times } from './http.ts';
import { rotation } from './rotation.ts';

export interface Baselines {
  argon2?: number;
  bare?: number;
  oidcClientCredentials?: number;
  oidcIntrospection?: number;
}

export interface Verdict {
  baseline?: string;
  ratio?: number;
  pass: boolean;
}

export interface Goal {
  text: string;
  vs?: keyof Baselines;
  evaluate(r: LoadResult, b: Baselines): Verdict;
}

export interface Target {
  name: string;
  connections: number;
  goal: Goal;
  spec(p: Prepared): Promise<LoadSpec>;
}

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** argon2 saturates the cores with a few checks in flight; more only queues them */
export const PASSWORD_CONNECTIONS = Number(process.env.BENCH_PASSWORD_CONNECTIONS ?? cpus().length * 2);
const P99_MS = 50;

const baselineNames: Record<keyof Baselines, string> = {
  argon2: 'argon2id',
  bare: 'bare Fastify',
  oidcClientCredentials: 'oidc-provider cc',
  oidcIntrospection: 'oidc-provider introspect',
};

function goal(opts: { vs?: keyof Baselines; ratio?: number; minRps?: number; p99?: boolean }): Goal {
  const parts = [
    opts.vs ? `≥ ${opts.ratio} × ${baselineNames[opts.vs]}` : '',
    opts.minRps ? `≥ ${opts.minRps.toLocaleString('en-US')}/s` : '',
    opts.p99 ? `p99 ≤ ${P99_MS} ms` : '',
  ].filter(Boolean);
  return {
    vs: opts.vs,
    text: parts.join(', '),
    evaluate(r, b) {
      let pass = true;
      const v: Verdict = { pass };
      if (opts.vs) {
        const base = b[opts.vs];
        v.baseline = baselineNames[opts.vs];
        if (base) {
          v.baseline += ` at ${base.toLocaleString('en-US', { maximumFractionDigits: base < 1000 ? 1 : 0 })}/s`;
          v.ratio = r.rps / base;
          pass &&= v.ratio >= opts.ratio!;
        } else pass = false;
      }
      if (opts.minRps) pass &&= r.rps >= opts.minRps;
      if (opts.p99) pass &&= r.p99 <= P99_MS;
      v.pass = pass;
      return v;
    },
  };
}

const need = <T>(value: T | undefined, skip: string | undefined): T => {
  if (value === undefined) throw new Skip(skip ?? 'n/a (not prepared)');
  return value;
};

const GET = (path: string, headers?: Record<string, string>) => async (p: Prepared): Promise<LoadSpec> => {
  expectOk(await call(p.base, path, { headers }), 'probe');
  return { url: p.base, path, headers, connections: CONNECTIONS };
};

const bearer = (p: Prepared) => ({ authorization: `Bearer ${need(p.adminToken, p.tokenSkip)}` });
const clientAuth = (p: Prepared) => need(p.client, p.clientSkip).auth;

/** fresh refresh tokens from real sign-ins (argon2-bound, so a few hundred at most) */
async function mint(n: number, signIn: () => Promise<{ status: number; body: Record<string, unknown> }>): Promise<string[]> {
  const first = expectOk(await signIn(), 'sign-in for refresh tokens');
  if (typeof first.body.refresh_token !== 'string') throw new Skip('n/a (sign-in issued no refresh_token)');
  const rest = await times(n - 1, PASSWORD_CONNECTIONS, async () => (await signIn()).body.refresh_token);
  return [first.body.refresh_token, ...rest.filter((t): t is string => typeof t === 'string')];
}
let nextUser = 0;
/** a different bench user per sign-in, round robin */
const user = () => loginEmail(nextUser++ % LOGIN_USERS);

/** each run can strand one in-flight token per connection; keep enough spares */
const POOL = CONNECTIONS * 3;

export const targets: Target[] = [
  { name: 'GET /.well-known/openid-configuration', connections: CONNECTIONS, goal: goal({ vs: 'bare', ratio: 0.8, p99: true }), spec: GET('/.well-known/openid-configuration') },
  { name: 'GET /oauth/jwks', connections: CONNECTIONS, goal: goal({ vs: 'bare', ratio: 0.8, p99: true }), spec: GET('/oauth/jwks') },
  {
    name: 'GET /auth/me (Bearer)',
    connections: CONNECTIONS,
    goal: goal({ vs: 'bare', ratio: 0.5, p99: true }),
    spec: async (p) => GET('/auth/me', bearer(p))(p),
  },
  {
    name: 'POST /oauth/introspect',
    connections: CONNECTIONS,
    goal: goal({ vs: 'oidcIntrospection', ratio: 1.5, p99: true }),
    async spec(p) {
      const headers = { authorization: clientAuth(p), 'content-type': 'application/x-www-form-urlencoded' };
      const body = form({ token: need(p.adminToken, p.tokenSkip), token_type_hint: 'access_token' });
      const r = expectOk(await call(p.base, '/oauth/introspect', { method: 'POST', headers: { authorization: headers.authorization }, form: { token: p.adminToken!, token_type_hint: 'access_token' } }), 'probe');
      if (r.body.active !== true) throw new Skip('n/a (introspection says active: false)');
      return { url: p.base, path: '/oauth/introspect', method: 'POST', headers, body, connections: CONNECTIONS };
    },
  },
  {
    name: 'POST /oauth/token client_credentials',
    connections: CONNECTIONS,
    goal: goal({ vs: 'oidcClientCredentials', ratio: 1.5, minRps: 3000, p99: true }),
    async spec(p) {
      const auth = clientAuth(p);
      expectOk(await call(p.base, '/oauth/token', { headers: { authorization: auth }, form: { grant_type: 'client_credentials' } }), 'probe');
      return {
        url: p.base,
        path: '/oauth/token',
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ grant_type: 'client_credentials' }),
        connections: CONNECTIONS,
      };
    },
  },
  {
    name: 'POST /oauth/token refresh_token (rotation)',
    connections: CONNECTIONS,
    goal: goal({ minRps: 1500, p99: true }),
    async spec(p) {
      const auth = clientAuth(p);
      const signIn = () => call(p.base, '/oauth/token', { headers: { authorization: auth }, form: { grant_type: 'password', username: user(), password: ADMIN.password } });
      const tokens = await mint(POOL, signIn);
      const rot = rotation({
        tokens,
        connections: CONNECTIONS,
        path: '/oauth/token',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: (t) => form({ grant_type: 'refresh_token', refresh_token: t }),
      });
      return { url: p.base, path: '/oauth/token', connections: CONNECTIONS, requests: rot.requests, primers: rot.primers, beforeRun: rot.beforeRun };
    },
  },
  {
    name: 'POST /auth/refresh (rotation)',
    connections: CONNECTIONS,
    goal: goal({ minRps: 1500, p99: true }),
    async spec(p) {
      const signIn = () => call(p.base, '/auth/login', { json: { email: user(), password: ADMIN.password } });
      const tokens = await mint(POOL, signIn);
      const rot = rotation({
        tokens,
        connections: CONNECTIONS,
        path: '/auth/refresh',
        headers: { 'content-type': 'application/json' },
        body: (t) => JSON.stringify({ refresh_token: t }),
      });
      return { url: p.base, path: '/auth/refresh', connections: CONNECTIONS, requests: rot.requests, primers: rot.primers, beforeRun: rot.beforeRun };
    },
  },
  {
    name: 'POST /oauth/token password',
    connections: PASSWORD_CONNECTIONS,
    goal: goal({ vs: 'argon2', ratio: 0.9 }),
    async spec(p) {
      const auth = clientAuth(p);
      const fields = () => form({ grant_type: 'password', username: user(), password: ADMIN.password });
      expectOk(await call(p.base, '/oauth/token', { headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, form: Object.fromEntries(new URLSearchParams(fields())) }), 'probe');
      const headers = { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' };
      return {
        url: p.base,
        path: '/oauth/token',
        connections: PASSWORD_CONNECTIONS,
        requests: [{ setupRequest: (req) => ({ ...req, method: 'POST', path: '/oauth/token', headers, body: fields() }) }],
      };
    },
  },
  {
    name: 'POST /auth/login',
    connections: PASSWORD_CONNECTIONS,
    goal: goal({ vs: 'argon2', ratio: 0.9 }),
    async spec(p) {
      const body = () => JSON.stringify({ email: user(), password: ADMIN.password });
      expectOk(await call(p.base, '/auth/login', { json: JSON.parse(body()) }), 'probe');
      const headers = { 'content-type': 'application/json' };
      return {
        url: p.base,
        path: '/auth/login',
        connections: PASSWORD_CONNECTIONS,
        requests: [{ setupRequest: (req) => ({ ...req, method: 'POST', path: '/auth/login', headers, body: body() }) }],
      };
    },
  },
  {
    name: 'GET /admin/api/users?q= (100k users)',
    connections: CONNECTIONS,
    goal: goal({ p99: true }),
    async spec(p) {
      const headers = bearer(p);
      const r = expectOk(await call(p.base, `/admin/api/users?q=${searchTerm()}&per_page=20`, { headers }), 'probe');
      if (!Array.isArray(r.body.items) || r.body.items.length === 0) throw new Skip('n/a (search found nothing)');
      return {
        url: p.base,
        path: '/admin/api/users',
        connections: CONNECTIONS,
        requests: [
          {
            setupRequest: (req) => ({ ...req, method: 'GET', path: `/admin/api/users?q=${encodeURIComponent(searchTerm())}&per_page=20`, headers }),
          },
        ],
      };
    },
  },
];
