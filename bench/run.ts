/**
 * `npm run bench`: the real app (a second process, on an embedded PostgreSQL filled with a programme
 * of 2,000 applications and a programme of 200 live campaigns with 100,000 contributions) driven by
 * autocannon from this process, next to floors measured in the same run, each just before and just
 * after the app figures compared with it: a bare Node http "hello", one PostgreSQL query rendered to
 * HTML, one INSERT per request, and the "minimal correct contribution" (floor-server.ts). Then a mixed
 * run (80 % reads, 20 % contributions), 10x the contributions, and the campaign pages and the report
 * again. Prints requests/s, p50/p99 latency, each endpoint's ratio to its floor, the load generator's
 * CPU and each goal of issue 22 as PASS/FAIL; writes bench/results/<date>.json and LATEST.md.
 * Loopback only; every load is bounded in time.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { hashToken } from '../src/auth/domain/tokens.js';
import { signPayload } from '../src/campaigns/domain/webhook-signature.js';
import { freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { runMigrations } from '../src/database/migrate.js';
import { addContributions, seedCampaignProgramme, staffToken as createStaffToken } from './campaigns-data.js';
import { domainBenchmarks } from './domain.js';
import { judge, markdown, ratio } from './lib/goals.js';
import { load, printMeasure, settings, type Floor, type LoadOptions, type Measure, type RequestShape } from './lib/load.js';

const here = dirname(fileURLToPath(import.meta.url));
const APPLICATIONS = Number(process.env.BENCH_APPLICATIONS ?? 2000);
const CAMPAIGNS = Number(process.env.BENCH_CAMPAIGNS ?? 200);
const CONTRIBUTIONS = Number(process.env.BENCH_CONTRIBUTIONS ?? 100_000);
/** The report is a staff action that reads every confirmed contribution: measured one at a time by default. */
const REPORT_CONNECTIONS = Number(process.env.BENCH_REPORT_CONNECTIONS ?? 1);
/** Seconds a report may take before it is counted as timed out (and the run moves on). */
const REPORT_TIMEOUT = Number(process.env.BENCH_REPORT_TIMEOUT ?? 60);
/**
 * For working on one part: `BENCH_SECTIONS=mixed,report` runs only those sections (applications,
 * reads, contributions, webhook, mixed, tenfold, report); its goals are then judged on what ran.
 */
const SECTIONS = new Set((process.env.BENCH_SECTIONS ?? 'applications,reads,contributions,webhook,mixed,tenfold').split(',').map((x) => x.trim()));
const wants = (section: string) => SECTIONS.has(section);
/** A partial run is for the one working on it: written apart, never as LATEST.md. */
const PARTIAL = process.env.BENCH_SECTIONS !== undefined;
/** `BENCH_PROFILE_DIR=/tmp/prof`: the app runs under --cpu-prof and is stopped gently so that it writes the profile. */
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
/** `BENCH_NODE_ARGS="--trace-gc"`: more flags for the app's node; `BENCH_APP_LOG=/tmp/app.log`: where its output goes. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const APP_LOG = process.env.BENCH_APP_LOG;
const WEBHOOK_SECRET = 'bench-webhook-secret-0123456789abcdef';
/** Seconds of unmeasured load before the contributions are measured. */
const WARM_UP = Number(process.env.BENCH_WARM_UP_SECONDS ?? 4);
const CONNECTIONS = settings.connections;
const DURATION = settings.duration;

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

async function startFloor(mode: Floor, url?: string): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = fork(join(here, 'floor-server.js'), [mode, String(port), ...(url ? [url] : [])], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  await new Promise<void>((resolve) => child.once('message', () => resolve()));
  if (child.pid) settings.servers.set(port, child.pid);
  return { port, child };
}

/** Whether an optional route exists yet (built by another capability): measured only when it answers 200. */
async function probe(url: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(url, { headers });
  await res.arrayBuffer();
  return res.status;
}

const thousands = (n: number) => n.toLocaleString('en-GB');

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

    // The domain computations first, while nothing else runs on the machine (no app, no load).
    console.log('\nDomain computations (median of the runs):');
    const domain = domainBenchmarks();
    for (const [name, r] of Object.entries(domain)) console.log(`  ${name.padEnd(74)} ${String(r.medianMs).padStart(7)} ms`);

    const port = await freePort();
    const app = spawn(
      process.execPath,
      [...NODE_ARGS, ...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), join(here, '..', 'src', 'main.js')],
      {
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
          PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
          // The scheduler paused for the whole bench: no payment expiry (nor phase tick) runs during a measurement.
          SCHEDULER_INTERVAL_MS: '3600000',
          // And the outbox: e-mails (a confirmation's receipt) are the worker's cost, sent after the bench, not during the next section.
          OUTBOX_INTERVAL_MS: '3600000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(app);
    if (APP_LOG) {
      const out = createWriteStream(APP_LOG);
      app.stdout!.pipe(out);
      app.stderr!.pipe(out);
    }
    if (app.pid) settings.servers.set(port, app.pid);
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
             'MAK26-B' || lpad((row_number() OVER ())::text, 5, '0'), now()
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
    // Vacuumed now rather than by autovacuum in the middle of a measurement, and the seed's writes
    // flushed to disk now rather than by a checkpoint during the first measurements (which it slowed
    // by a third, floors included).
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
    console.log(`\n${CAMPAIGNS} campaigns and ${thousands(CONTRIBUTIONS)} contributions written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const floorServers: Record<Floor, { port: number; child: ChildProcess }> = {
      hello: await startFloor('hello'),
      query: await startFloor('query', db.url),
      insert: await startFloor('insert', db.url),
      contribution: await startFloor('contribution', db.url),
    };
    children.push(...Object.values(floorServers).map((f) => f.child));
    const json = { 'Content-Type': 'application/json' };
    const html = { Accept: 'text/html' };
    const staff = { Authorization: `Bearer ${staffToken}` };
    let floorKey = 0;
    const floorRun = Date.now().toString(36);
    const floorOptions = (kind: Floor): LoadOptions =>
      kind === 'insert'
        ? { method: 'POST' }
        : kind === 'contribution'
          ? {
              method: 'POST',
              each: () => {
                const n = floorKey++;
                return {
                  path: `/api/campaigns/${cp.campaigns[n % cp.campaigns.length].id}/contributions`,
                  headers: { ...json, 'Idempotency-Key': `floor-${floorRun}-${n}` },
                  body: JSON.stringify({ amountCents: 1_000 + (n % 20) * 250, email: `supporter${n % 5_000}@bench.test`, displayName: 'Camille' }),
                };
              },
            }
          : {};
    const floorNames: Record<Floor, string> = {
      hello: 'floor: bare http hello',
      query: 'floor: bare http + one PostgreSQL query (HTML)',
      insert: 'floor: bare http + one INSERT',
      contribution: 'floor: minimal correct contribution (bare pg, one transaction)',
    };
    const measures: Measure[] = [];
    const floor = async (kind: Floor) => {
      const m = await load(floorNames[kind], `http://127.0.0.1:${floorServers[kind].port}/`, floorOptions(kind));
      measures.push(m);
      return m;
    };
    /** App measurements between two measurements of their floor: each compared with the floor's mean. */
    const around = async (kind: Floor, run: () => Promise<Measure[]>) => {
      const before = await floor(kind);
      const ms = await run();
      const after = await floor(kind);
      const rps = (before.rps + after.rps) / 2;
      const p99 = (before.p99 + after.p99) / 2;
      for (const m of ms) {
        m.floor = kind;
        m.floorRps = rps;
        m.floorP99 = p99;
        m.ratioToFloor = Number((m.rps / rps).toPrecision(3));
        // Measures are listed in the order they were made: the floor after comes after them.
        measures.splice(measures.indexOf(after), 0, m);
      }
    };

    console.log(`\nHTTP, ${CONNECTIONS} connections, ${DURATION} s each, ${APPLICATIONS} applications in the programme:`);
    settings.section = 'floor';
    await floor('hello');
    if (wants('applications')) {
      settings.section = `applications (${thousands(APPLICATIONS)} in the programme)`;
      await around('query', async () => [
        await load('GET /healthz', `${base}/healthz`),
        await load('GET / (public home page)', `${base}/`, { headers: html }),
        await load('GET /programmes/makers-2026 (public programme page)', `${base}/programmes/makers-2026`, { headers: html }),
        await load('GET /programmes/makers-2026/apply (call page)', `${base}/programmes/makers-2026/apply`, { headers: html }),
        await load('GET /api/programmes (JSON)', `${base}/api/programmes`),
        await load(`GET staff desk search over ${APPLICATIONS} applications (JSON)`, `${base}/api/programmes/${demo.id}/applications?q=textile&limit=50`, {
          headers: staff,
        }),
      ]);
      await around('insert', async () => [
        await load('PATCH /api/applications/:id (save a draft: a write)', `${base}/api/applications/${drafts[0].id}`, {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ title: 'Atelier bench', answers: { team_size: 4 } }),
          requests: drafts.map((d) => ({ path: `/api/applications/${d.id}`, headers: { ...json, Authorization: `Bearer ${d.token}` } })),
        }),
      ]);
    }

    // ---- campaigns ---------------------------------------------------------------------------------
    const campaignPage = `/programmes/${cp.slug}/campaigns/${cp.campaigns[0].slug}`;
    const campaignPageStatus = await probe(`${base}${campaignPage}`, html);
    const reportStatus = await probe(`${base}/api/programmes/${cp.id}/report`, staff);
    const hasCampaignPage = campaignPageStatus === 200;
    const hasReport = reportStatus === 200;
    const skipped: string[] = [];
    if (!hasCampaignPage) skipped.push(`GET ${campaignPage}: answered ${campaignPageStatus}`);
    if (!hasReport) skipped.push(`GET /api/programmes/:id/report: answered ${reportStatus}`);
    let key = 0;
    const run = `${Date.now().toString(36)}`;
    const rewardOf = new Map(
      (await client.query(`SELECT campaign_id, id FROM reward_tier WHERE position = 2 AND campaign_id = ANY($1)`, [cp.campaigns.map((c) => c.id)])).rows.map(
        (r) => [r.campaign_id as string, r.id as string],
      ),
    );
    const contribution =
      (opts: { reward?: boolean } = {}) =>
      (): RequestShape => {
        const n = key++;
        const c = cp.campaigns[n % cp.campaigns.length];
        return {
          path: `/api/campaigns/${c.id}/contributions`,
          headers: { ...json, 'Idempotency-Key': `bench-${run}-${n}` },
          body: JSON.stringify({
            amountCents: 5_000 + (n % 20) * 250,
            email: `supporter${n % 5_000}@bench.test`,
            displayName: 'Camille',
            ...(opts.reward ? { rewardTierId: rewardOf.get(c.id) } : {}),
          }),
        };
      };
    const pageRequests = cp.campaigns.map((c) => ({ path: `/programmes/${cp.slug}/campaigns/${c.slug}`, headers: html }));
    const readCampaigns = async (label: string) => {
      const out = [
        await load(`GET /programmes/${cp.slug} (programme page, ${CAMPAIGNS} campaigns)`, `${base}/programmes/${cp.slug}`, { headers: html }),
        await load('GET /api/campaigns/:id/public (campaign, JSON)', `${base}/api/campaigns/${cp.campaigns[0].id}/public`, {
          requests: cp.campaigns.map((c) => ({ path: `/api/campaigns/${c.id}/public`, headers: {} })),
        }),
      ];
      if (hasCampaignPage)
        out.push(await load('GET /programmes/:slug/campaigns/:slug (campaign page, HTML)', `${base}${campaignPage}`, { requests: pageRequests }));
      if (hasReport) {
        out.push(
          await load(`GET /api/programmes/:id/report (results report, staff, ${label})`, `${base}/api/programmes/${cp.id}/report`, {
            headers: staff,
            connections: REPORT_CONNECTIONS,
            amount: REPORT_CONNECTIONS * 10,
            timeout: REPORT_TIMEOUT,
          }),
        );
      }
      return out;
    };
    settings.section = `campaigns (${CAMPAIGNS} live, ${thousands(CONTRIBUTIONS)} contributions)`;
    console.log(`\n${settings.section}:`);
    if (wants('reads')) {
      await around('query', () => readCampaigns(`${thousands(CONTRIBUTIONS)} contributions`));
    }
    const post = (name: string, each: () => RequestShape, connections?: number) =>
      load(`POST /api/campaigns/:id/contributions (${name})`, `${base}/api/campaigns/${cp.campaigns[0].id}/contributions`, {
        method: 'POST',
        each,
        connections,
      });
    // The floor does what the programme's settings say (with or without match-funding), as the app does.
    if (wants('contributions')) {
      // Warmed up first, unmeasured, the app and the floor alike: the first seconds of a process's
      // first contributions run code not yet compiled (twice the CPU per request), which is not
      // what an instance that has served for weeks does at the opening instant.
      await load('warm-up: the app', `${base}/`, { method: 'POST', each: contribution(), seconds: WARM_UP, quiet: true });
      await load('warm-up: the floor', `http://127.0.0.1:${floorServers.contribution.port}/`, {
        ...floorOptions('contribution'),
        seconds: WARM_UP,
        quiet: true,
      });
      await around('contribution', async () => [
        await post('with a match-funding budget', contribution()),
        await post('with a limited reward and match-funding', contribution({ reward: true })),
      ]);
      await client.query(`UPDATE campaign_settings SET match_factor_percent = 0 WHERE programme_id = $1`, [cp.id]);
      await around('contribution', async () => [await post('no match-funding', contribution())]);
      await client.query(`UPDATE campaign_settings SET match_factor_percent = 100 WHERE programme_id = $1`, [cp.id]);
      // Match-funded again after: the machine speeds up over the first minute of load (floors too), so
      // goal 1 compares the mean of the runs before and after with the run between them (A B A).
      await around('contribution', async () => [await post('with a match-funding budget, again', contribution())]);
    }

    if (wants('webhook')) {
      // The payment provider confirming pending contributions (the campaign rows are locked there).
      const { rows: pending } = await client.query(
        `SELECT id, amount_cents FROM contribution WHERE programme_id = $1 AND status = 'pending' AND provider = 'webhook' ORDER BY random() LIMIT 40000`,
        [cp.id],
      );
      let event = 0;
      await around('insert', async () => [
        await load(`POST /api/payments/webhook (payment.succeeded, confirms a pending contribution)`, `${base}/api/payments/webhook`, {
          method: 'POST',
          each: () => {
            const c = pending[event % pending.length];
            const raw = JSON.stringify({
              id: `bench-evt-${run}-${event++}`,
              type: 'payment.succeeded',
              data: { reference: c.id, amountCents: Number(c.amount_cents) },
            });
            return {
              path: '/api/payments/webhook',
              headers: { ...json, 'Tremplin-Signature': signPayload(WEBHOOK_SECRET, raw, Math.floor(Date.now() / 1000)) },
              body: raw,
            };
          },
        }),
      ]);
    }

    if (wants('mixed')) {
      // Mixed: 80 % of the connections read public pages while 20 % contribute (the opening instant).
      settings.section = `mixed: 80 % reads, 20 % contributions (${CAMPAIGNS} campaigns)`;
      console.log(`\n${settings.section}:`);
      const readers = Math.round(CONNECTIONS * 0.8);
      const programmeRequests = Array.from({ length: 20 }, () => ({ path: `/programmes/${cp.slug}`, headers: html }));
      // Each page read once just before, as visitors did in the weeks of posters: the measure is the
      // opening instant on pages already visited, not the instance's first read of each.
      for (const r of [...pageRequests, programmeRequests[0]]) await probe(`${base}${r.path}`, r.headers);
      await around('query', async () => {
        const [reads, writes] = await Promise.all([
          load('mixed: reads (campaign pages and the programme page)', `${base}/`, {
            requests: [...pageRequests, ...programmeRequests],
            connections: readers,
            quiet: true,
            concurrent: true,
          }),
          load('mixed: contributions (with match-funding)', `${base}/`, {
            method: 'POST',
            each: contribution(),
            connections: CONNECTIONS - readers,
            quiet: true,
            concurrent: true,
          }),
        ]);
        printMeasure(reads);
        printMeasure(writes);
        return [reads, writes];
      });
    }

    if (wants('tenfold')) {
      // Cost must grow gently with data: the same reads with ten times the contributions.
      t0 = Date.now();
      const more = CONTRIBUTIONS * 9;
      await addContributions(client, demo.tenant_id, cp, more, Math.max(1_000, Math.round(CONTRIBUTIONS * 3)));
      await client.query('VACUUM ANALYZE');
      settings.section = `campaigns (${CAMPAIGNS} live, ${thousands(cp.contributions)} contributions: 10×)`;
      console.log(`\n${thousands(more)} more contributions written in ${((Date.now() - t0) / 1000).toFixed(1)} s\n${settings.section}:`);
      await around('query', () => readCampaigns(`${thousands(cp.contributions)} contributions`));
    }
    await client.end();

    console.log('\nRatio of each endpoint to its floor measured around it:');
    for (const m of measures.filter((x) => x.ratioToFloor !== undefined)) {
      console.log(
        `  ${m.name.padEnd(74)} ${m.timeouts && !m.requests ? `timed out after ${REPORT_TIMEOUT} s` : `${ratio(m.ratioToFloor!)}× the ${m.floor} floor, p99 ${m.p99} ms`}  [${m.section}]`,
      );
    }
    for (const s of skipped) console.log(`  skipped: ${s}`);
    const goals = judge(measures, domain);
    console.log('\nGoals (issue 22):');
    for (const g of goals) console.log(`  ${g.pass ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.measured} (target ${g.target})`);

    const out = join(here, '..', '..', 'bench', 'results');
    mkdirSync(out, { recursive: true });
    const at = new Date().toISOString();
    const file = join(out, `${PARTIAL ? 'partial-' : ''}${at.replace(/[:]/g, '-').slice(0, 19)}.json`);
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
            schedulerPaused: true,
          },
          goals,
          measures,
          skipped,
          domain,
        },
        null,
        2,
      ),
    );
    if (!PARTIAL) writeFileSync(join(out, 'LATEST.md'), markdown(at, measures, goals, domain, { reportTimeout: REPORT_TIMEOUT, skipped }));
    console.log(`\nWritten to ${file}${PARTIAL ? ' (a partial run: LATEST.md left as it was)' : ` and ${join(out, 'LATEST.md')}`}`);
  } finally {
    if (PROFILE_DIR) {
      const [app] = children;
      const exited = new Promise((r) => app.once('exit', r));
      app.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    }
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
