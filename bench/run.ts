/**
 * `npm run bench`: the real app (a second process, on an embedded PostgreSQL filled with a programme
 * of 2,000 applications) driven by autocannon from this process, next to the floor measured in the
 * same run: a bare Node http "hello", one PostgreSQL query rendered to HTML, and one INSERT per
 * request. Prints requests/s, p50/p99 latency and each endpoint's ratio to its floor, and writes
 * bench/results/<date>.json. Loopback only; every load is bounded in time.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { hashToken } from '../src/auth/domain/tokens.js';
import { freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/migrate.js';
import { domainBenchmarks } from './domain.js';

const here = dirname(fileURLToPath(import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 2000);

interface Measure { name: string; floor?: string; rps: number; p50: number; p99: number; non2xx: number; errors: number }

async function load(name: string, url: string, opts: {
  method?: 'GET' | 'PATCH' | 'POST'; headers?: Record<string, string>; body?: string; floor?: string;
  /** Rotated through, one per request (e.g. one draft per applicant). */
  requests?: Array<{ path: string; headers: Record<string, string> }>;
} = {}): Promise<Measure> {
  const requests = opts.requests?.map((r) => ({ method: opts.method ?? 'GET', path: r.path, headers: r.headers, body: opts.body }));
  const r = await autocannon({
    url, connections: CONNECTIONS, duration: DURATION, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body,
    ...(requests ? { requests: [{ setupRequest: (req: Record<string, unknown>, ctx: Record<string, unknown>) => {
      const i = ((ctx.i as number | undefined) ?? Math.floor(Math.random() * requests.length)) % requests.length;
      ctx.i = i + 1;
      return { ...req, ...requests[i] };
    } }] } : {}),
  } as autocannon.Options);
  const m = { name, floor: opts.floor, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors };
  console.log(`  ${name.padEnd(58)} ${String(m.rps).padStart(7)} req/s  p50 ${String(m.p50).padStart(4)} ms  p99 ${String(m.p99).padStart(4)} ms${m.non2xx ? `  (${m.non2xx} non-2xx)` : ''}`);
  return m;
}

function waitFor(child: ChildProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timeout waiting for ${pattern}`)), timeoutMs);
    const onData = (buf: Buffer) => {
      if (pattern.test(buf.toString())) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited with ${code}`)));
  });
}

async function startFloor(mode: string, url?: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = fork(join(here, 'floor-server.js'), [mode, String(port), ...(url ? [url] : [])], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  return { port, child };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tremplin-bench-'));
  const db = await startEmbeddedPostgres(dir, { persistent: false, log: () => {} });
  const children: ChildProcess[] = [];
  try {
    await runMigrations(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query('CREATE TABLE bench_floor (id bigserial PRIMARY KEY, note text, created_at timestamptz DEFAULT now())');

    const port = await freePort();
    const app = spawn(process.execPath, [join(here, '..', 'src', 'main.js')], {
      env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), SEED_DEMO: 'true', LOG_LEVEL: 'warn', NODE_ENV: 'production',
        APP_SECRET: 'bench-secret-bench-secret-bench-secret-00', DATA_DIR: dir, SIGN_IN_RATE_LIMIT: '10000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(app);
    await waitFor(app, /sign-in links for the demo/);
    const base = `http://127.0.0.1:${port}`;

    // A programme of the reference call's shape, at national scale: APPLICATIONS submitted applications.
    const { rows: [demo] } = await client.query(`SELECT p.id, p.tenant_id FROM programme p WHERE p.slug = 'makers-2026'`);
    await client.query(`INSERT INTO app_user (tenant_id, email, display_name) SELECT $1, 'maker' || g || '@bench.test', 'Maker ' || g FROM generate_series(1, $2) g`, [demo.tenant_id, APPLICATIONS]);
    await client.query(`
      INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, title, summary, category, goal_cents, commune, postcode,
                               applicant_name, email, consent, answers, receipt_number, submitted_at)
      SELECT $1, $2, u.id, 'submitted', 'Atelier ' || (ARRAY['vélo','textile','bois','électronique'])[1 + (row_number() OVER () % 4)] || ' ' || row_number() OVER (),
             'Un projet de réemploi pour le quartier, avec des ateliers ouverts à tous.', (ARRAY['reuse','repair','recycling','local-making'])[1 + (row_number() OVER () % 4)],
             100000 + (row_number() OVER () % 90) * 10000, 'Roubaix', '59100', u.display_name, u.email, true, '{"team_size": 3, "has_prototype": true}',
             'MAK26-' || lpad((row_number() OVER ())::text, 5, '0'), now()
      FROM app_user u WHERE u.email LIKE '%@bench.test'`, [demo.tenant_id, demo.id]);
    const staffToken = 'bench-staff-token-0000000000000000000000';
    await client.query(`INSERT INTO api_token (tenant_id, user_id, token_hash, name) SELECT $1, id, $2, 'bench' FROM app_user WHERE email = 'staff@demo.tremplin.test'`, [demo.tenant_id, hashToken(staffToken)]);
    // Drafts of 200 applicants, so that saves spread over rows as they do in life (one applicant saves one draft).
    const drafters = await client.query(`
      INSERT INTO app_user (tenant_id, email, display_name) SELECT $1, 'drafter' || g || '@bench.test', 'Drafter ' || g FROM generate_series(1, 200) g RETURNING id`, [demo.tenant_id]);
    const drafts: Array<{ id: string; token: string }> = [];
    for (const [i, d] of drafters.rows.entries()) {
      const token = `bench-drafter-${String(i).padStart(3, '0')}-000000000000000000`;
      await client.query(`INSERT INTO api_token (tenant_id, user_id, token_hash, name) VALUES ($1, $2, $3, 'bench')`, [demo.tenant_id, d.id, hashToken(token)]);
      const { rows: [a] } = await client.query(`INSERT INTO application (tenant_id, programme_id, applicant_user_id, email) VALUES ($1, $2, $3, $4) RETURNING id`,
        [demo.tenant_id, demo.id, d.id, `drafter${i}@bench.test`]);
      drafts.push({ id: a.id, token });
    }
    await client.query('ANALYZE');
    await client.end();

    const hello = await startFloor('hello');
    const query = await startFloor('query', db.url);
    const insert = await startFloor('insert', db.url);
    children.push(hello.child, query.child, insert.child);

    console.log(`\nHTTP, ${CONNECTIONS} connections, ${DURATION} s each, ${APPLICATIONS} applications in the programme:`);
    const floors = {
      hello: await load('floor: bare http hello', `http://127.0.0.1:${hello.port}/`),
      query: await load('floor: bare http + one PostgreSQL query (HTML)', `http://127.0.0.1:${query.port}/`),
      insert: await load('floor: bare http + one INSERT', `http://127.0.0.1:${insert.port}/`, { method: 'POST' }),
    };
    const json = { 'Content-Type': 'application/json' };
    const results = [
      await load('GET /healthz', `${base}/healthz`, { floor: 'query' }),
      await load('GET / (public home page)', `${base}/`, { floor: 'query', headers: { Accept: 'text/html' } }),
      await load('GET /programmes/makers-2026 (public programme page)', `${base}/programmes/makers-2026`, { floor: 'query', headers: { Accept: 'text/html' } }),
      await load('GET /programmes/makers-2026/apply (call page)', `${base}/programmes/makers-2026/apply`, { floor: 'query', headers: { Accept: 'text/html' } }),
      await load('GET /api/programmes (JSON)', `${base}/api/programmes`, { floor: 'query' }),
      await load(`GET staff desk search over ${APPLICATIONS} applications (JSON)`, `${base}/api/programmes/${demo.id}/applications?q=textile&limit=50`, { floor: 'query', headers: { Authorization: `Bearer ${staffToken}` } }),
      await load('PATCH /api/applications/:id (save a draft: a write)', `${base}/api/applications/${drafts[0].id}`, {
        floor: 'insert', method: 'PATCH', headers: json, body: JSON.stringify({ title: 'Atelier bench', answers: { team_size: 4 } }),
        requests: drafts.map((d) => ({ path: `/api/applications/${d.id}`, headers: { ...json, Authorization: `Bearer ${d.token}` } })),
      }),
    ];
    const withRatios = results.map((m) => ({ ...m, ratioToFloor: Math.round((m.rps / floors[m.floor as 'query' | 'insert'].rps) * 100) / 100 }));

    console.log('\nDomain computations (median of 5 runs):');
    const domain = domainBenchmarks();
    for (const [name, r] of Object.entries(domain)) console.log(`  ${name.padEnd(70)} ${String(r.medianMs).padStart(7)} ms`);

    console.log('\nRatio of each endpoint to its floor measured in this run:');
    for (const m of withRatios) console.log(`  ${m.name.padEnd(58)} ${m.ratioToFloor.toFixed(2)}× the ${m.floor} floor, p99 ${m.p99} ms`);

    const out = join(here, '..', '..', 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const file = join(out, `${new Date().toISOString().replace(/[:]/g, '-').slice(0, 19)}.json`);
    writeFileSync(file, JSON.stringify({
      at: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length,
      settings: { connections: CONNECTIONS, durationSeconds: DURATION, applications: APPLICATIONS }, floors, endpoints: withRatios, domain,
    }, null, 2));
    console.log(`\nWritten to ${file}`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
