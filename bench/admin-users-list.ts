// Times the admin users list (GET /admin/api/users) at 100,000 users, the way
// the console uses it: first page, a deep page, substring search on email and
// name, filters and sorts. Prints the median and p95 of each (ms) plus the
// plan of the search statement the app ran for a rare term (its generic plan,
// as the app's prepared statement uses), so a missing index shows at once.
//   npx tsx bench/admin-users-list.ts [users=100000] [runs=30]
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres.ts';
import { migrate } from '../server/db/migrate.ts';
import { createDb } from '../server/db/client.ts';
import { seedBuiltins } from '../server/rbac/seed.ts';
import { loadConfig } from '../server/config/config.ts';
import { MemoryStore } from '../server/store/memory-store.ts';
import { createMetrics } from '../server/ops/metrics.ts';
import { buildApp } from '../server/app.ts';
import { adminUser } from '../server/admin/testing.ts';

const USERS = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.argv[3] ?? 30);

const dataDir = await mkdtemp(path.join(tmpdir(), 'latchkey-users-bench-'));
await chmod(dataDir, 0o755);
const postgres = await startEmbeddedPostgres({ dataDir, database: 'users_bench' });
try {
  const db = createDb(postgres.url, { poolSize: 10 });
  await migrate(postgres.url, { afterMigrate: () => seedBuiltins(db) });
  const c = new pg.Client({ connectionString: postgres.url });
  await c.connect();
  const t0 = Date.now();
  await c.query(`
    INSERT INTO users (id, email, email_canonical, name, email_verified_at, disabled_at, last_login_at, created_at, updated_at)
    SELECT gen_random_uuid(), 'user' || i || '@' || (ARRAY['example.com','mail.example.org','corp.example.net'])[1 + i % 3],
           'user' || i || '@' || (ARRAY['example.com','mail.example.org','corp.example.net'])[1 + i % 3],
           (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Ken'])[1 + i % 8] || ' ' || (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Thompson'])[1 + (i / 8) % 8] || ' ' || i,
           CASE WHEN i % 4 <> 0 THEN now() END, CASE WHEN i % 50 = 0 THEN now() END,
           CASE WHEN i % 3 = 0 THEN now() - (i || ' minutes')::interval END,
           now() - (i || ' seconds')::interval, now()
    FROM generate_series(1, $1::int) AS i`, [USERS]);
  await c.query(`INSERT INTO user_roles (user_id, role_id) SELECT u.id, r.id FROM users u, roles r WHERE r.name = 'user'`);
  await c.query(`INSERT INTO user_mfa (user_id, secret_enc, enabled_at, updated_at) SELECT id, 'v1.x.y.z', now(), now() FROM users WHERE email_canonical LIKE 'user%7@%'`);
  await c.query('ANALYZE');
  console.log(`inserted ${USERS} users in ${Date.now() - t0} ms`);

  const config = loadConfig({ NODE_ENV: 'test', ISSUER: 'http://localhost:3000', ENCRYPTION_KEY: randomBytes(32).toString('base64'), DATABASE_URL: postgres.url, LOG_LEVEL: 'silent', ARGON2_MEMORY_KIB: '4096', ARGON2_ITERATIONS: '1', DATA_DIR: dataDir, RATE_LIMIT_ENABLED: 'false' });
  const app = await buildApp({ config, db, store: new MemoryStore(), metrics: createMetrics() }, { logger: false });
  await app.ready();
  const admin = await adminUser(app);

  const cases: Array<[string, string]> = [
    ['first page (newest)', '/admin/api/users'],
    ['page 50, sort=email', '/admin/api/users?sort=email&page=50&per_page=20'],
    ['page 2000 (deep), 50 per page', '/admin/api/users?page=2000&per_page=50'],
    ['q=user4242 (email)', '/admin/api/users?q=user4242'],
    ['q=hopper (name, many hits)', '/admin/api/users?q=hopper'],
    ['q=example.org&verified=true', '/admin/api/users?q=example.org&verified=true'],
    ['mfa=true', '/admin/api/users?mfa=true'],
    ['role=user&disabled=true', '/admin/api/users?role=user&disabled=true'],
    ['sort=name', '/admin/api/users?sort=name'],
  ];
  console.log(`\nGET /admin/api/users at ${USERS} users (${RUNS} runs each, app.inject, ms)`);
  console.log('case'.padEnd(34), 'median'.padStart(8), 'p95'.padStart(8), 'total'.padStart(8));
  for (const [name, url] of cases) {
    const times: number[] = [];
    let total = 0;
    for (let i = 0; i < RUNS + 3; i++) {
      const s = performance.now();
      const res = await app.inject({ url, headers: admin.headers });
      const ms = performance.now() - s;
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      total = res.json().total;
      if (i >= 3) times.push(ms); // 3 warm-up runs
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
    console.log(name.padEnd(34), q(0.5).padStart(8), q(0.95).padStart(8), String(total).padStart(8));
  }
  // the statement the app runs for a search (user-search.ts), captured on its way to Postgres
  let search: { text: string; values: unknown[] } | undefined;
  const send = db.sql.query.bind(db.sql);
  db.sql.query = (name, text, values) => {
    if (name.startsWith('users_search_')) search = { text, values };
    return send(name, text, values);
  };
  await app.inject({ url: '/admin/api/users?q=user4242', headers: admin.headers });
  await c.query('SET plan_cache_mode = force_generic_plan');
  const plan = await c.query({ text: `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${search!.text}`, values: search!.values });
  console.log('\nplan of the search q=user4242:\n' + plan.rows.map((r) => '  ' + r['QUERY PLAN']).join('\n'));
  await c.end();
  await app.close();
  await db.$disconnect();
} finally {
  await postgres.stop();
  await rm(dataDir, { recursive: true, force: true });
}
