/**
 * `npm run bench`: the real app (a second process, on an embedded PostgreSQL filled with a programme
 * of 2,000 applications and a programme of 200 live campaigns with 100,000 contributions) driven by
 * autocannon from this process, next to the floor measured in the same run: a bare Node http "hello",
 * one PostgreSQL query rendered to HTML, and one INSERT per request. Then 10x the contributions, and
 * the campaign pages and the report again. Prints requests/s, p50/p99 latency and each endpoint's
 * ratio to its floor, and writes bench/results/<date>.json and bench/results/LATEST.md. Loopback
 * only; every load is bounded in time.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { hashToken } from '../src/auth/domain/tokens.js';
import { freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/migrate.js';
import { addContributions, seedCampaignProgramme, staffToken as createStaffToken } from './campaigns-data.js';
import { domainBenchmarks } from './domain.js';

const here = dirname(fileURLToPath(import.meta.url));
const DURATION = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 2000);
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 200);
const CONTRIBUTIONS = Number(process.env.BENCH_CONTRIBUTIONS ?? 100_000);
/** The report is a staff action that reads every confirmed contribution: measured one at a time by default. */
const REPORT_CONNECTIONS = Number(process.env.BENCH_REPORT_CONNECTIONS ?? 1);
/** Seconds a report may take before it is counted as timed out (and the run moves on). */
const REPORT_TIMEOUT = Number(process.env.BENCH_REPORT_TIMEOUT ?? 60);

type Floor = 'hello' | 'query' | 'insert';
interface Measure {
  name: string;
  section: string;
  floor?: Floor;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  ratioToFloor?: number;
}
interface RequestShape {
  path: string;
  headers: Record<string, string>;
  body?: string;
}

let section = 'applications';

async function load(
  name: string,
  url: string,
  opts: {
    method?: 'GET' | 'PATCH' | 'POST';
    headers?: Record<string, string>;
    body?: string;
    floor?: Floor;
    /** Rotated through, one per request (e.g. one draft per applicant). */
    requests?: RequestShape[];
    /** Made afresh for each request (e.g. a new Idempotency-Key). */
    each?: () => RequestShape;
    connections?: number;
    /** A fixed number of requests instead of a duration (slow endpoints), each given `timeout` seconds. */
    amount?: number;
    timeout?: number;
  } = {},
): Promise<Measure> {
  const method = opts.method ?? 'GET';
  const rotated = opts.requests?.map((r) => ({ method, ...r }));
  const setupRequest = rotated
    ? (req: Record<string, unknown>, ctx: Record<string, unknown>) => {
        const i = ((ctx.i as number | undefined) ?? Math.floor(Math.random() * rotated.length)) % rotated.length;
        ctx.i = i + 1;
        return { ...req, ...rotated[i] };
      }
    : opts.each
      ? (req: Record<string, unknown>) => ({ ...req, method, ...opts.each!() })
      : undefined;
  const connections = opts.connections ?? CONNECTIONS;
  const r = await autocannon({
    url,
    connections,
    method,
    headers: opts.headers,
    body: opts.body,
    ...(opts.amount ? { amount: opts.amount, timeout: opts.timeout ?? 120 } : { duration: DURATION }),
    ...(setupRequest ? { requests: [{ setupRequest }] } : {}),
  } as autocannon.Options);
  const m: Measure = {
    name,
    section,
    floor: opts.floor,
    connections,
    rps: Math.round(r.requests.average * 10) / 10,
    p50: r.latency.p50,
    p99: r.latency.p99,
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  if (opts.amount) {
    // Few, slow requests: the rate is the connections over the mean latency.
    m.rps = r.requests.total > 0 ? Number(((connections * 1000) / r.latency.average).toPrecision(3)) : 0;
  }
  console.log(
    `  ${name.padEnd(70)} ${String(m.rps).padStart(8)} req/s  p50 ${String(m.p50).padStart(5)} ms  p99 ${String(m.p99).padStart(5)} ms${connections !== CONNECTIONS ? `  (${connections} connection${connections > 1 ? 's' : ''})` : ''}${m.non2xx ? `  (${m.non2xx} non-2xx)` : ''}${m.timeouts ? `  (${m.timeouts} timed out after ${opts.timeout} s)` : m.errors ? `  (${m.errors} errors)` : ''}`,
  );
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

/** Whether an optional route exists yet (built by another capability): measured only when it answers 200. */
async function probe(url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.status;
}

const thousands = (n: number) => n.toLocaleString('en-GB');
/** Two decimals, or two significant digits for the tiny ratios of slow endpoints. */
const ratio = (r: number) => (r >= 0.01 || r === 0 ? r.toFixed(2) : r.toPrecision(2));

function markdown(at: string, floors: Record<Floor, Measure>, endpoints: Measure[], domain: Record<string, { medianMs: number }>): string {
  const row = (m: Measure) =>
    m.timeouts && !m.requests
      ? `| ${m.name} (${m.connections} connection${m.connections > 1 ? 's' : ''}) | 0 | > ${REPORT_TIMEOUT * 1000} | > ${REPORT_TIMEOUT * 1000} | timed out |`
      : `| ${m.name}${m.connections !== CONNECTIONS ? ` (${m.connections} connection${m.connections > 1 ? 's' : ''})` : ''} | ${m.rps} | ${m.p50} | ${m.p99} | ${m.ratioToFloor !== undefined ? `${ratio(m.ratioToFloor)}× ${m.floor}` : '1'} |`;
  const sections = [...new Set(endpoints.map((m) => m.section))];
  return [
    `# Latest benchmark run`,
    '',
    `\`npm run bench\`, ${at.slice(0, 10)}, Node ${process.version}, ${cpus().length} CPUs, ${CONNECTIONS} connections, ${DURATION} s per endpoint, loopback.`,
    `Ratios are to the floor measured in the same run (only ratios within one run mean anything on a shared machine).`,
    '',
    '| endpoint | req/s | p50 ms | p99 ms | ratio to floor |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...Object.values(floors).map(row),
    ...sections.flatMap((s) => [`| **${s}** | | | | |`, ...endpoints.filter((m) => m.section === s).map(row)]),
    '',
    '| domain computation | median ms |',
    '| --- | ---: |',
    ...Object.entries(domain).map(([k, v]) => `| ${k} | ${v.medianMs} |`),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tremplin-bench-'));
  const db = await startEmbeddedPostgres(dir, { persistent: false, log: () => {} });
  const children: ChildProcess[] = [];
  try {
    await runMigrations(db.url);
    const client = new pg.Client({ connectionString: db.url });
    // A failure below stops the database in `finally`: the client must not turn that into an unhandled error.
    client.on('error', () => {});
    await client.connect();
    await client.query('CREATE TABLE bench_floor (id bigserial PRIMARY KEY, note text, created_at timestamptz DEFAULT now())');

    const port = await freePort();
    const app = spawn(process.execPath, [join(here, '..', 'src', 'main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        PORT: String(port),
        SEED_DEMO: 'true',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        APP_SECRET: 'bench-secret-bench-secret-bench-secret-00',
        DATA_DIR: dir,
        SIGN_IN_RATE_LIMIT: '10000',
        CONTRIBUTION_RATE_LIMIT: '100000',
        PAYMENT_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789abcdef',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(app);
    await waitFor(app, /sign-in links for the demo/);
    const base = `http://127.0.0.1:${port}`;

    // A programme of the reference call's shape, at national scale: APPLICATIONS submitted applications.
    const {
      rows: [demo],
    } = await client.query(`SELECT p.id, p.tenant_id FROM programme p WHERE p.slug = 'makers-2026'`);
    await client.query(
      `INSERT INTO app_user (tenant_id, email, display_name) SELECT $1, 'maker' || g || '@bench.test', 'Maker ' || g FROM generate_series(1, $2) g`,
      [demo.tenant_id, APPLICATIONS],
    );
    await client.query(
      `
      INSERT INTO application (tenant_id, programme_id, applicant_user_id, status, title, summary, category, goal_cents, commune, postcode,
                               applicant_name, email, consent, answers, receipt_number, submitted_at)
      SELECT $1, $2, u.id, 'submitted', 'Atelier ' || (ARRAY['vélo','textile','bois','électronique'])[1 + (row_number() OVER () % 4)] || ' ' || row_number() OVER (),
             'Un projet de réemploi pour le quartier, avec des ateliers ouverts à tous.', (ARRAY['reuse','repair','recycling','local-making'])[1 + (row_number() OVER () % 4)],
             100000 + (row_number() OVER () % 90) * 10000, 'Roubaix', '59100', u.display_name, u.email, true, '{"team_size": 3, "has_prototype": true}',
             'MAK26-' || lpad((row_number() OVER ())::text, 5, '0'), now()
      FROM app_user u WHERE u.email LIKE 'maker%@bench.test'`,
      [demo.tenant_id, demo.id],
    );
    const staffToken = 'bench-staff-token-0000000000000000000000';
    const staffUserId = await createStaffToken(client, demo.tenant_id, 'staff@demo.tremplin.test', staffToken);
    // Drafts of 200 applicants, so that saves spread over rows as they do in life (one applicant saves one draft).
    const drafters = await client.query(
      `
      INSERT INTO app_user (tenant_id, email, display_name) SELECT $1, 'drafter' || g || '@bench.test', 'Drafter ' || g FROM generate_series(1, 200) g RETURNING id`,
      [demo.tenant_id],
    );
    const drafts: Array<{ id: string; token: string }> = [];
    for (const [i, d] of drafters.rows.entries()) {
      const token = `bench-drafter-${String(i).padStart(3, '0')}-000000000000000000`;
      await client.query(`INSERT INTO api_token (tenant_id, user_id, token_hash, name, expires_at) VALUES ($1, $2, $3, 'bench', now() + interval '30 days')`, [
        demo.tenant_id,
        d.id,
        hashToken(token),
      ]);
      const {
        rows: [a],
      } = await client.query(`INSERT INTO application (tenant_id, programme_id, applicant_user_id, email) VALUES ($1, $2, $3, $4) RETURNING id`, [
        demo.tenant_id,
        demo.id,
        d.id,
        `drafter${i}@bench.test`,
      ]);
      drafts.push({ id: a.id, token });
    }

    // A large programme in its collection window: CAMPAIGNS live campaigns, CONTRIBUTIONS contributions.
    let t0 = Date.now();
    const cp = await seedCampaignProgramme(client, demo.tenant_id, staffUserId, CAMPAIGNS);
    await addContributions(client, demo.tenant_id, cp, CONTRIBUTIONS, Math.max(1_000, Math.round(CONTRIBUTIONS * 0.3)));
    // Vacuumed now rather than by autovacuum in the middle of a measurement.
    await client.query('VACUUM ANALYZE');
    console.log(`\n${CAMPAIGNS} campaigns and ${thousands(CONTRIBUTIONS)} contributions written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const hello = await startFloor('hello');
    const query = await startFloor('query', db.url);
    const insert = await startFloor('insert', db.url);
    children.push(hello.child, query.child, insert.child);

    console.log(`\nHTTP, ${CONNECTIONS} connections, ${DURATION} s each, ${APPLICATIONS} applications in the programme:`);
    const floors: Record<Floor, Measure> = {
      hello: await load('floor: bare http hello', `http://127.0.0.1:${hello.port}/`),
      query: await load('floor: bare http + one PostgreSQL query (HTML)', `http://127.0.0.1:${query.port}/`),
      insert: await load('floor: bare http + one INSERT', `http://127.0.0.1:${insert.port}/`, { method: 'POST' }),
    };
    const json = { 'Content-Type': 'application/json' };
    const html = { Accept: 'text/html' };
    const staff = { Authorization: `Bearer ${staffToken}` };
    section = `applications (${thousands(APPLICATIONS)} in the programme)`;
    const results: Measure[] = [
      await load('GET /healthz', `${base}/healthz`, { floor: 'query' }),
      await load('GET / (public home page)', `${base}/`, { floor: 'query', headers: html }),
      await load('GET /programmes/makers-2026 (public programme page)', `${base}/programmes/makers-2026`, { floor: 'query', headers: html }),
      await load('GET /programmes/makers-2026/apply (call page)', `${base}/programmes/makers-2026/apply`, { floor: 'query', headers: html }),
      await load('GET /api/programmes (JSON)', `${base}/api/programmes`, { floor: 'query' }),
      await load(`GET staff desk search over ${APPLICATIONS} applications (JSON)`, `${base}/api/programmes/${demo.id}/applications?q=textile&limit=50`, {
        floor: 'query',
        headers: staff,
      }),
      await load('PATCH /api/applications/:id (save a draft: a write)', `${base}/api/applications/${drafts[0].id}`, {
        floor: 'insert',
        method: 'PATCH',
        headers: json,
        body: JSON.stringify({ title: 'Atelier bench', answers: { team_size: 4 } }),
        requests: drafts.map((d) => ({ path: `/api/applications/${d.id}`, headers: { ...json, Authorization: `Bearer ${d.token}` } })),
      }),
    ];

    // ---- campaigns ---------------------------------------------------------------------------------
    const campaignPage = `/programmes/${cp.slug}/campaigns/${cp.campaigns[0].slug}`;
    const campaignPageStatus = await probe(`${base}${campaignPage}`, html);
    const reportStatus = await probe(`${base}/api/programmes/${cp.id}/report`, staff);
    const hasCampaignPage = campaignPageStatus === 200;
    const hasReport = reportStatus === 200;
    const skipped: string[] = [];
    if (!hasCampaignPage)
      skipped.push(`GET ${campaignPage}: answered ${campaignPageStatus}${campaignPageStatus === 404 ? ' (the campaign page is not built yet)' : ''}`);
    if (!hasReport)
      skipped.push(`GET /api/programmes/:id/report: answered ${reportStatus}${reportStatus === 404 ? ' (the reports API is not built yet)' : ''}`);
    let key = 0;
    const run = `${Date.now().toString(36)}`;
    const contribution = (): RequestShape => {
      const n = key++;
      return {
        path: `/api/campaigns/${cp.campaigns[n % cp.campaigns.length].id}/contributions`,
        headers: { ...json, 'Idempotency-Key': `bench-${run}-${n}` },
        body: JSON.stringify({ amountCents: 1_000 + (n % 20) * 250, email: `supporter${n % 5_000}@bench.test`, displayName: 'Camille' }),
      };
    };
    const readCampaigns = async (label: string) => {
      const out = [
        await load(`GET /programmes/${cp.slug} (programme page, ${CAMPAIGNS} campaigns)`, `${base}/programmes/${cp.slug}`, { floor: 'query', headers: html }),
        await load('GET /api/campaigns/:id/public (campaign, JSON)', `${base}/api/campaigns/${cp.campaigns[0].id}/public`, {
          floor: 'query',
          requests: cp.campaigns.map((c) => ({ path: `/api/campaigns/${c.id}/public`, headers: {} })),
        }),
      ];
      if (hasCampaignPage) {
        out.push(
          await load('GET /programmes/:slug/campaigns/:slug (campaign page, HTML)', `${base}${campaignPage}`, {
            floor: 'query',
            requests: cp.campaigns.map((c) => ({ path: `/programmes/${cp.slug}/campaigns/${c.slug}`, headers: html })),
          }),
        );
      }
      if (hasReport) {
        out.push(
          await load(`GET /api/programmes/:id/report (results report, staff, ${label})`, `${base}/api/programmes/${cp.id}/report`, {
            floor: 'query',
            headers: staff,
            connections: REPORT_CONNECTIONS,
            amount: REPORT_CONNECTIONS * 2,
            timeout: REPORT_TIMEOUT,
          }),
        );
      }
      return out;
    };
    section = `campaigns (${CAMPAIGNS} live, ${thousands(CONTRIBUTIONS)} contributions)`;
    console.log(`\n${section}:`);
    results.push(...(await readCampaigns(`${thousands(CONTRIBUTIONS)} contributions`)));
    results.push(
      await load('POST /api/campaigns/:id/contributions (with a match-funding budget)', `${base}/api/campaigns/${cp.campaigns[0].id}/contributions`, {
        floor: 'insert',
        method: 'POST',
        each: contribution,
      }),
    );
    await client.query(`UPDATE campaign_settings SET match_factor_percent = 0 WHERE programme_id = $1`, [cp.id]);
    results.push(
      await load('POST /api/campaigns/:id/contributions (no match-funding)', `${base}/api/campaigns/${cp.campaigns[0].id}/contributions`, {
        floor: 'insert',
        method: 'POST',
        each: contribution,
      }),
    );
    await client.query(`UPDATE campaign_settings SET match_factor_percent = 100 WHERE programme_id = $1`, [cp.id]);

    // Cost must grow gently with data: the same reads with ten times the contributions.
    t0 = Date.now();
    const more = CONTRIBUTIONS * 9;
    await addContributions(client, demo.tenant_id, cp, more, Math.max(1_000, Math.round(CONTRIBUTIONS * 3)));
    await client.query('VACUUM ANALYZE');
    section = `campaigns (${CAMPAIGNS} live, ${thousands(cp.contributions)} contributions: 10×)`;
    console.log(`\n${thousands(more)} more contributions written in ${((Date.now() - t0) / 1000).toFixed(1)} s\n${section}:`);
    results.push(...(await readCampaigns(`${thousands(cp.contributions)} contributions`)));
    await client.end();

    const withRatios = results.map((m) => ({ ...m, ratioToFloor: m.floor ? Number((m.rps / floors[m.floor].rps).toPrecision(3)) : undefined }));

    console.log('\nDomain computations (median of 5 runs):');
    const domain = domainBenchmarks();
    for (const [name, r] of Object.entries(domain)) console.log(`  ${name.padEnd(70)} ${String(r.medianMs).padStart(7)} ms`);

    console.log('\nRatio of each endpoint to its floor measured in this run:');
    for (const m of withRatios) {
      console.log(
        `  ${m.name.padEnd(70)} ${m.timeouts && !m.requests ? `timed out after ${REPORT_TIMEOUT} s` : `${ratio(m.ratioToFloor!)}× the ${m.floor} floor, p99 ${m.p99} ms`}  [${m.section}]`,
      );
    }
    for (const s of skipped) console.log(`  skipped: ${s}`);

    const out = join(here, '..', '..', 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const at = new Date().toISOString();
    const file = join(out, `${at.replace(/[:]/g, '-').slice(0, 19)}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          at,
          node: process.version,
          cpus: cpus().length,
          settings: {
            connections: CONNECTIONS,
            durationSeconds: DURATION,
            applications: APPLICATIONS,
            campaigns: CAMPAIGNS,
            contributions: CONTRIBUTIONS,
            reportConnections: REPORT_CONNECTIONS,
          },
          floors,
          endpoints: withRatios,
          skipped,
          domain,
        },
        null,
        2,
      ),
    );
    writeFileSync(join(out, 'LATEST.md'), markdown(at, floors, withRatios, domain));
    console.log(`\nWritten to ${file} and ${join(out, 'LATEST.md')}`);
  } finally {
    // SIGKILL: a report still being computed blocks the app's event loop, so it would not see a SIGTERM in time.
    for (const c of children) c.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
