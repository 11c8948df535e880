// Benchmark data: a confidential client allowed password, refresh_token and
// client_credentials; access tokens for the bootstrap admin; 100,000 extra
// users (one generate_series insert) for the admin search.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BenchServices } from './services.ts';
import { ADMIN, root, type LatchkeyEnv } from './latchkey.ts';
import { basicAuth, call, Skip } from './http.ts';

const run = promisify(execFile);

export interface Prepared {
  base: string;
  client?: { id: string; secret: string; auth: string };
  clientSkip?: string;
  /** Bearer of the bootstrap admin (all permissions) */
  adminToken?: string;
  tokenSkip?: string;
}

const GRANTS = ['password', 'refresh_token', 'client_credentials'];

async function clientFromCli(env: LatchkeyEnv): Promise<{ id: string; secret: string } | undefined> {
  try {
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'server/cli/main.ts', 'client', 'create', '--name', 'bench', '--grants', GRANTS.join(','), '--first-party'],
      { cwd: root, env: { ...process.env, ...env, NODE_ENV: 'production', LOG_LEVEL: 'warn' }, timeout: 60_000 },
    );
    const json = JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop() ?? '{}') as Record<string, string>;
    return json.client_id && json.client_secret ? { id: json.client_id, secret: json.client_secret } : undefined;
  } catch {
    return undefined;
  }
}

async function clientFromAdminApi(base: string, adminToken: string): Promise<{ id: string; secret: string } | undefined> {
  const r = await call(base, '/admin/api/clients', {
    headers: { authorization: `Bearer ${adminToken}` },
    json: { name: 'bench', grant_types: GRANTS, first_party: true },
  });
  const b = r.body as Record<string, string>;
  return r.status < 300 && b.client_id && b.client_secret ? { id: b.client_id, secret: b.client_secret } : undefined;
}

async function adminLogin(base: string, client?: Prepared['client']): Promise<string | Skip> {
  const login = await call(base, '/auth/login', { json: { email: ADMIN.email, password: ADMIN.password } });
  if (login.status === 200 && typeof login.body.access_token === 'string') return login.body.access_token;
  if (client) {
    const grant = await call(base, '/oauth/token', {
      headers: { authorization: client.auth },
      form: { grant_type: 'password', username: ADMIN.email, password: ADMIN.password },
    });
    if (grant.status === 200 && typeof grant.body.access_token === 'string') return grant.body.access_token;
  }
  return new Skip(login.status === 404 ? 'n/a (no /auth/login or password grant yet)' : `n/a (sign-in answered ${login.status})`);
}

export async function prepare(base: string, env: LatchkeyEnv): Promise<Prepared> {
  const p: Prepared = { base };
  let client = await clientFromCli(env);
  let token = await adminLogin(base);
  if (!client && typeof token === 'string') client = await clientFromAdminApi(base, token);
  if (client) p.client = { ...client, auth: basicAuth(client.id, client.secret) };
  else p.clientSkip = 'n/a (no `client create` CLI or admin API yet)';
  if (!(typeof token === 'string') && p.client) token = await adminLogin(base, p.client);
  if (typeof token === 'string') p.adminToken = token;
  else p.tokenSkip = token.message;
  return p;
}

const FIRST = ['James', 'Maria', 'Wei', 'Fatima', 'Olga', 'Juan', 'Aiko', 'Noah', 'Priya', 'Lars', 'Amara', 'Chen', 'Sofia', 'Omar', 'Emma', 'Ivan', 'Lucia', 'Kofi', 'Hana', 'Liam'];
const LAST = ['Smith', 'Garcia', 'Wang', 'Khan', 'Petrova', 'Lopez', 'Tanaka', 'Muller', 'Patel', 'Jensen', 'Okafor', 'Li', 'Rossi', 'Haddad', 'Brown', 'Ivanov', 'Silva', 'Mensah', 'Kim', 'Murphy', 'Novak', 'Dubois', 'Costa', 'Nguyen', 'Cohen'];
const DOMAINS = ['gmail.com', 'outlook.com', 'example.org', 'acme.io', 'uni-example.edu', 'yahoo.co.uk', 'proton.me'];
const sqlArray = (a: string[]) => `ARRAY[${a.map((x) => `'${x}'`).join(',')}]`;
const pick = (arr: string, n: number, seed: string) => `(${arr})[1 + (${seed}) % ${n}]`;

/**
 * 100,000 users in one statement, with names and addresses shaped like real
 * ones (first.last<n>@domain, "First Last"): what matters for the admin search
 * is the row count, the indexes, and how selective typical terms are.
 */
export async function addUsers(services: BenchServices, n = 100_000): Promise<number> {
  const started = performance.now();
  const first = pick(sqlArray(FIRST), FIRST.length, 'g * 7');
  const last = pick(sqlArray(LAST), LAST.length, 'g / 3');
  const domain = pick(sqlArray(DOMAINS), DOMAINS.length, 'g / 11');
  await services.sql(
    `INSERT INTO users (id, email, email_canonical, name, email_verified_at, created_at, updated_at)
     SELECT gen_random_uuid(), e, lower(e), nm, now(), now() - (g || ' seconds')::interval, now()
       FROM (SELECT g, ${first} || '.' || ${last} || g || '@' || ${domain} AS e, ${first} || ' ' || ${last} AS nm
               FROM generate_series(1, $1::int) AS g) AS s`,
    [n],
  );
  // what autovacuum would have done by now: also flushes the trigram GIN indexes' pending lists
  await services.sql('VACUUM ANALYZE users');
  return performance.now() - started;
}

/** what an operator types into the search box: half the time a surname (about 4,000 matches), else one person's address */
export function searchTerm(n = 100_000): string {
  if (Math.random() < 0.5) return LAST[Math.floor(Math.random() * LAST.length)]!.toLowerCase();
  const g = 1 + Math.floor(Math.random() * n);
  return `${FIRST[(g * 7) % FIRST.length]}.${LAST[Math.floor(g / 3) % LAST.length]}${g}`.toLowerCase();
}

export const LOGIN_USERS = 200;
export const loginEmail = (i: number) => `login${i}@bench.example`;

/**
 * Users who sign in during the password targets, so that concurrent sign-ins do
 * not all queue on one row. They share the bootstrap admin's argon2id hash
 * (same password, configured parameters) and hold the `user` role.
 */
export async function addLoginUsers(services: BenchServices, n = LOGIN_USERS): Promise<void> {
  await services.sql(
    `INSERT INTO users (id, email, email_canonical, name, password_hash, email_verified_at, created_at, updated_at)
     SELECT gen_random_uuid(), 'login' || g || '@bench.example', 'login' || g || '@bench.example', 'Login User ' || g,
            (SELECT password_hash FROM users WHERE email_canonical = $2), now(), now(), now()
       FROM generate_series(0, $1::int - 1) AS g`,
    [n, ADMIN.email],
  );
  await services.sql(
    `INSERT INTO user_roles (user_id, role_id)
     SELECT u.id, r.id FROM users u CROSS JOIN roles r WHERE u.email_canonical LIKE 'login%@bench.example' AND r.name = 'user'`,
  );
}
