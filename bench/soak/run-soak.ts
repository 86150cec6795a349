import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrate.js';
import { AppProcess, type AppExit } from '../lib/app-process.js';
import { destroyHttpAgent, httpCall } from '../lib/http-client.js';
import { runChecks, type CheckResult } from './checks.js';
import { contributor, juror, paymentProvider, PaymentQueue, reader, Recorder, resolvePayments, type LoadContext, type Payment } from './load.js';
import { RoundRobinProxy } from './proxy.js';
import { StripeStandIn } from '../stripe/stand-in.js';
import { seedTables, setUpThroughApi, waitUntil, type SoakWorld } from './setup.js';

export interface SoakOptions {
  /** How long the load runs (the faults happen at 20 %, 45 % and 70 % of it). */
  seconds: number;
  campaigns?: number;
  contributors?: number;
  readers?: number;
  jurors?: number;
  /** How citizens pay: through Stripe Checkout (a local stand-in of Stripe's API; the default) or the generic signed webhook. */
  provider?: 'stripe' | 'webhook';
  log?: (message: string) => void;
}

export interface FaultRecord {
  kind: 'sigkill' | 'sigterm' | 'postgres-restart';
  target: string;
  /** Milliseconds since the load started. */
  at: number;
  /** When the system was whole again (instance listening, database accepting connections). */
  recoveredAt: number;
  detail: Record<string, unknown>;
}

export interface SoakReport {
  ok: boolean;
  checks: CheckResult[];
  violations: CheckResult[];
  faults: FaultRecord[];
  figures: Record<string, unknown>;
  /** Where the instances' logs were kept (only when something went wrong). */
  logDir?: string;
}

const WEBHOOK_SECRET = 'soak-webhook-secret-0123456789abcdef';
const STRIPE_SECRET_KEY = 'sk_test_soak0123456789abcdef0123456789';
const STRIPE_ENDPOINT_SECRET = 'whsec_soakSoakSoak0123456789abcdefABCDEF';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function withDb<T>(url: string, fn: (db: pg.Client) => Promise<T>): Promise<T> {
  const db = new pg.Client({ connectionString: url });
  // The harness must outlive a database restart: errors reach the pending query, not the process.
  db.on('error', () => {});
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

/**
 * The soak: two app instances on one embedded PostgreSQL behind a round-robin proxy, contributions,
 * payment webhooks, page reads and ballots in parallel; midway one instance is SIGKILLed and restarted,
 * the other is stopped with SIGTERM (it must drain) and restarted, and PostgreSQL is restarted. Then the
 * window closes and the invariants are checked. Loopback only; everything is bounded in time.
 */
export async function runSoak(opts: SoakOptions): Promise<SoakReport> {
  const log = opts.log ?? ((m: string) => console.log(m));
  const root = mkdtempSync(join(tmpdir(), 'tremplin-soak-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its directory.
  if (process.getuid?.() === 0) chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const logDir = join(root, 'logs');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  const pgDir = join(root, 'pg');
  // Persistent, so that a stop and a start keep the data (as a real restart does).
  let db: EmbeddedDatabase = await startEmbeddedPostgres(pgDir, { persistent: true, log: () => {} });
  const apps: AppProcess[] = [];
  let proxy: RoundRobinProxy | undefined;
  const crashes: Array<{ app: string } & AppExit> = [];
  let stripe: StripeStandIn | null = null;
  let keepLogs = false;
  try {
    await runMigrations(db.url);
    const campaignsN = opts.campaigns ?? 12;
    const seeded = await withDb(db.url, (c) => seedTables(c, campaignsN, 12));

    const provider = opts.provider ?? 'stripe';
    // Stripe's side lives in this process: it outlives the instances killed on the way.
    stripe = provider === 'stripe' ? await new StripeStandIn().start() : null;
    const env: Record<string, string> = {
      ...(stripe ? { STRIPE_API_URL: stripe.url } : {}),
      DATABASE_URL: db.url,
      PAYMENT_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SCHEDULER_INTERVAL_MS: '500',
      OUTBOX_INTERVAL_MS: '250',
      SEED_DEMO: 'false',
      DATA_DIR: dataDir,
      NODE_ENV: 'production',
      APP_SECRET: 'soak-secret-soak-secret-soak-secret-0123',
      LOG_LEVEL: 'warn',
      CONTRIBUTION_RATE_LIMIT: '100000',
      SIGN_IN_RATE_LIMIT: '10000',
      SMTP_URL: '',
      PUBLIC_URL: 'http://127.0.0.1',
    };
    for (const name of ['app-1', 'app-2']) {
      const app = new AppProcess(name, await freePort(), env, join(logDir, `${name}.log`));
      // A crash nobody caused is a finding; the instance is restarted so that the load goes on.
      app.onCrash = (exit) => {
        crashes.push({ app: name, ...exit });
        log(`  !! ${name} exited by itself (code ${exit.code}, signal ${exit.signal}): restarting it`);
        void app.start().catch((err) => log(`  !! ${name} did not restart: ${(err as Error).message}`));
      };
      apps.push(app);
    }
    for (const app of apps) await app.start();
    proxy = new RoundRobinProxy(apps.map((a) => ({ name: a.name, port: a.port })));
    const port = await proxy.listen();
    log(`soak: PostgreSQL on ${db.port}, app-1 on ${apps[0].port}, app-2 on ${apps[1].port}, proxy on ${port}; data in ${root}`);

    const world: SoakWorld = await withDb(db.url, (c) =>
      setUpThroughApi(port, c, seeded, {
        limitedQuantity: 8,
        jurors: opts.jurors ?? 3,
        provider,
        ...(stripe ? { stripeKeys: { stripeSecretKey: STRIPE_SECRET_KEY, stripeEndpointSecret: STRIPE_ENDPOINT_SECRET } } : {}),
      }),
    );
    log(
      `soak: ${world.campaigns.length} campaigns live${world.jury ? `, jury open with ${world.jury.jurors.length} jurors` : ` (no ballots: ${world.juryProblem})`}; load for ${opts.seconds} s`,
    );

    // ---- the load, with the faults ----------------------------------------------------------------
    const rec = new Recorder();
    const duration = opts.seconds * 1000;
    let faultsDone = false;
    let stopped = false;
    let stopAt = Number.POSITIVE_INFINITY;
    const ctx: LoadContext = {
      port,
      world,
      webhookSecret: WEBHOOK_SECRET,
      ...(stripe ? { stripe: { endpointSecret: STRIPE_ENDPOINT_SECRET } } : {}),
      rec,
      stopping: () => stopped,
      // A request without an answer is retried for up to a minute after the load stops.
      retryDeadline: () => stopAt + 60_000,
    };
    const queue = new PaymentQueue();
    const held: Payment[] = [];
    const actors: Array<Promise<void>> = [];
    for (let i = 0; i < (opts.contributors ?? 6); i++) actors.push(contributor(ctx, 1000 + i, queue));
    const providers = [paymentProvider(ctx, 2000, queue, held), paymentProvider(ctx, 2001, queue, held)];
    for (let i = 0; i < (opts.readers ?? 3); i++) actors.push(reader(ctx, 3000 + i));
    if (world.jury) world.jury.jurors.forEach((_, i) => actors.push(juror(ctx, 4000 + i, i)));

    const faults: FaultRecord[] = [];
    const since = () => Date.now() - rec.t0;
    const at = async (fraction: number) => {
      const wait = fraction * duration - since();
      if (wait > 0) await sleep(wait);
    };
    const faultRun = (async () => {
      await at(0.2);
      {
        const t = since();
        const app = apps[0];
        const inFlight = proxy!.inFlightOn(app.name).length;
        await app.stop('SIGKILL');
        log(`  fault at ${(t / 1000).toFixed(1)} s: SIGKILL ${app.name} (${inFlight} requests in flight); restarting it`);
        await app.start();
        faults.push({ kind: 'sigkill', target: app.name, at: t, recoveredAt: since(), detail: { inFlight } });
      }
      await at(0.45);
      {
        const t = since();
        const app = apps[1];
        const inFlight = proxy!.inFlightOn(app.name);
        const exit = await app.stop('SIGTERM', 30_000);
        const outcomes = await Promise.all(inFlight.map((f) => f.done));
        const unfinished = outcomes.filter((o) => o === 'error' || o >= 500).length;
        log(
          `  fault at ${(t / 1000).toFixed(1)} s: SIGTERM ${app.name} with ${inFlight.length} requests in flight: exit code ${exit.code} after ${exit.ms} ms${exit.timedOut ? ' (did not exit: killed)' : ''}, ${unfinished} in-flight requests failed; restarting it`,
        );
        await app.start();
        faults.push({
          kind: 'sigterm',
          target: app.name,
          at: t,
          recoveredAt: since(),
          detail: {
            inFlight: inFlight.length,
            failedInFlight: unfinished,
            exitCode: exit.code,
            signal: exit.signal,
            drainMs: exit.ms,
            timedOut: exit.timedOut,
          },
        });
      }
      await at(0.7);
      {
        const t = since();
        await db.stop();
        const stoppedMs = since() - t;
        await sleep(1_000);
        db = await startEmbeddedPostgres(pgDir, { persistent: true, log: () => {} });
        log(`  fault at ${(t / 1000).toFixed(1)} s: PostgreSQL stopped (${stoppedMs} ms) and started again, down for ${since() - t} ms`);
        faults.push({ kind: 'postgres-restart', target: 'postgres', at: t, recoveredAt: since(), detail: { downMs: since() - t } });
      }
      faultsDone = true;
    })();
    faultRun.catch(() => undefined);
    // The load runs its duration, and at least until the last fault has been recovered from.
    while (since() < duration || !faultsDone) {
      await sleep(100);
      if (since() > duration + 180_000) throw new Error('the faults did not complete within 3 minutes after the load');
    }
    await faultRun;
    stopAt = Date.now();
    stopped = true;
    const loadMs = since();
    await Promise.all(actors);
    await Promise.all(providers);
    log(`soak: load stopped after ${(loadMs / 1000).toFixed(1)} s; settling payments and closing the window`);

    // ---- the close: the provider reports every payment, the window closes, the scheduler settles --------
    const staff = { Host: world.host, Authorization: `Bearer ${world.staffToken}` };
    // Payments the provider knows of but no contributor ever heard back about are reported too.
    const known = new Set(held.map((p) => p.id));
    const orphans = await withDb(db.url, async (c) =>
      (await c.query(`SELECT id, amount_cents FROM contribution WHERE tenant_id = $1 AND status = 'pending'`, [world.tenantId])).rows
        .filter((r) => !known.has(r.id))
        .map((r) => ({ id: r.id as string, amountCents: Number(r.amount_cents) })),
    );
    // A few stay pending across the close, so that campaigns wait for their funds and settle later.
    const late = held.slice(0, 3);
    await resolvePayments(ctx, [...held.slice(3), ...orphans], 5000);
    const opensAt = world.programme.opensAt;
    const close = await httpCall(port, 'PUT', `/api/programmes/${world.programme.id}/timeline`, {
      headers: staff,
      body: { timeline: { campaign: opensAt, settlement: new Date(Date.now() + 1_000).toISOString() } },
    });
    if (!close.ok || close.status !== 200) throw new Error(`could not move the window's close: ${close.ok ? `${close.status} ${close.text}` : close.error}`);
    const pid = world.programme.id;
    await withDb(db.url, (c) =>
      waitUntil(
        'the scheduler enters settlement',
        60_000,
        async () => (await c.query(`SELECT phase FROM programme WHERE id = $1`, [pid])).rows[0].phase === 'settlement',
      ),
    );
    const awaiting = await withDb(
      db.url,
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM campaign WHERE programme_id = $1 AND status = 'awaiting_funds'`, [pid])).rows[0].n as number,
    );
    await resolvePayments(ctx, late, 5001);
    const settleMs = await withDb(db.url, (c) =>
      waitUntil(
        'every campaign is settled',
        90_000,
        async () =>
          (await c.query(`SELECT count(*)::int AS n FROM campaign WHERE programme_id = $1 AND status NOT IN ('funded', 'not_funded')`, [pid])).rows[0].n === 0,
      ),
    );
    const mailMs = await withDb(db.url, (c) =>
      waitUntil(
        'the outbox has sent what is due',
        180_000,
        async () =>
          (await c.query(`SELECT count(*)::int AS n FROM outbox_message WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()`)).rows[0].n === 0,
        500,
      ).catch(() => -1),
    );
    log(
      `soak: ${awaiting} campaign(s) awaited their last payments at the close; all settled ${settleMs} ms later; outbox ${mailMs >= 0 ? `drained in ${mailMs} ms` : 'NOT drained'}`,
    );

    // ---- checks ----------------------------------------------------------------------------------
    const finalStops = [];
    for (const app of apps) finalStops.push({ app: app.name, ...(await app.stop('SIGTERM', 30_000)) });
    const checks = await withDb(db.url, (c) => runChecks(c, world, rec, dataDir, stripe ? [...stripe.sessions.values()] : null));
    const sigterm = faults.find((f) => f.kind === 'sigterm')!;
    checks.push({
      name: 'SIGTERM drains: in-flight requests answered, exit code 0 (midway and at the end)',
      ok:
        sigterm.detail.exitCode === 0 &&
        sigterm.detail.failedInFlight === 0 &&
        !sigterm.detail.timedOut &&
        finalStops.every((s) => s.code === 0 && !s.timedOut),
      detail: `midway: ${sigterm.detail.inFlight} in flight, ${sigterm.detail.failedInFlight} failed, exit ${sigterm.detail.exitCode} in ${sigterm.detail.drainMs} ms; at the end: ${finalStops.map((s) => `${s.app} exit ${s.code} in ${s.ms} ms`).join(', ')}`,
    });
    checks.push({
      name: 'no instance crashed by itself',
      ok: crashes.length === 0,
      detail: crashes.length ? JSON.stringify(crashes) : 'none',
      ...(crashes.length ? { examples: crashes } : {}),
    });
    // Outside the faults (and a few seconds to recover), every request is answered.
    const windows = faults.map((f) => [f.at, f.recoveredAt + 5_000]);
    const steady = rec.failures.filter((f) => f.at <= loadMs && !windows.some(([a, b]) => f.at >= a && f.at <= b));
    checks.push({
      name: 'no failed request outside the fault windows',
      ok: steady.length === 0,
      detail: steady.length ? `${steady.length} failures` : 'none',
      ...(steady.length ? { examples: steady.slice(0, 5) } : {}),
    });

    const records = [...rec.contributions.values()];
    const failuresBy = (kind: FaultRecord['kind']) => {
      const f = faults.find((x) => x.kind === kind)!;
      return rec.failures.filter((x) => x.at >= f.at && x.at <= f.recoveredAt + 5_000).length;
    };
    const figures = {
      loadSeconds: Math.round(loadMs / 100) / 10,
      instances: 2,
      campaigns: world.campaigns.length,
      contributions: {
        sent: records.length,
        acknowledged: records.filter((r) => r.acks.length).length,
        doubleClicks: records.filter((r) => r.acks.length > 1).length,
        retriedAfterFailure: records.filter((r) => r.attempts > r.acks.length + (r.refusal ? 1 : 0)).length,
        refused: Object.fromEntries(
          Object.entries(rec.refused)
            .filter(([k]) => k.startsWith('contribution'))
            .map(([k, v]) => [k.slice(13), v]),
        ),
        unresolved: records.filter((r) => r.unresolved).length,
        perSecond: Math.round(records.length / (loadMs / 1000)),
        p50ms: percentile(rec.latencies.contribution, 50),
        p99ms: percentile(rec.latencies.contribution, 99),
      },
      webhooks: {
        events: rec.events.size,
        deliveriesAcknowledged: [...rec.events.values()].reduce((s, e) => s + e.answers.length, 0),
        answeredAsDuplicate: [...rec.events.values()].reduce((s, e) => s + e.answers.filter((a) => a.duplicate).length, 0),
        succeeded: [...rec.decisions.values()].filter((d) => d === 'payment.succeeded').length,
        failed: [...rec.decisions.values()].filter((d) => d === 'payment.failed').length,
        p50ms: percentile(rec.latencies.webhook, 50),
        p99ms: percentile(rec.latencies.webhook, 99),
      },
      reads: {
        ok: rec.ok.read,
        perSecond: Math.round(rec.ok.read / (loadMs / 1000)),
        p50ms: percentile(rec.latencies.read, 50),
        p99ms: percentile(rec.latencies.read, 99),
      },
      ballots: world.jury ? { acknowledged: rec.ok.ballot, jurors: world.jury.jurors.length } : { skipped: world.juryProblem },
      refusals: rec.refused,
      failedAttempts: {
        total: rec.failures.length,
        duringSigkill: failuresBy('sigkill'),
        duringSigterm: failuresBy('sigterm'),
        duringPostgresRestart: failuresBy('postgres-restart'),
      },
      proxy: proxy.stats,
      close: { campaignsAwaitingFundsAtClose: awaiting, settledMs: settleMs, outboxDrainedMs: mailMs },
    };
    const violations = checks.filter((c) => !c.ok);
    keepLogs = violations.length > 0;
    return { ok: violations.length === 0, checks, violations, faults, figures, ...(keepLogs ? { logDir } : {}) };
  } catch (err) {
    keepLogs = true;
    log(`soak: failed; the instances' logs are in ${logDir}`);
    throw err;
  } finally {
    for (const app of apps) {
      app.onCrash = () => {};
      await app.stop('SIGKILL').catch(() => undefined);
      app.close();
    }
    await proxy?.close();
    await stripe?.stop();
    destroyHttpAgent();
    await db.stop().catch(() => undefined);
    rmSync(join(root, 'pg'), { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
    if (!keepLogs) rmSync(root, { recursive: true, force: true });
  }
}

/** The summary as a plain-text table. */
export function formatReport(r: SoakReport): string {
  const lines = ['', 'Invariants:'];
  for (const c of r.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(100)} ${c.detail}`);
  for (const c of r.violations) for (const e of c.examples ?? []) lines.push(`        ${c.name.slice(0, 40)}…: ${JSON.stringify(e)}`);
  lines.push('', 'Faults:');
  for (const f of r.faults)
    lines.push(
      `  ${f.kind.padEnd(17)} ${f.target.padEnd(9)} at ${(f.at / 1000).toFixed(1).padStart(6)} s, whole again ${((f.recoveredAt - f.at) / 1000).toFixed(1)} s later  ${JSON.stringify(f.detail)}`,
    );
  lines.push(
    '',
    'Figures:',
    ...JSON.stringify(r.figures, null, 2)
      .split('\n')
      .map((l) => `  ${l}`),
  );
  lines.push('', r.ok ? 'soak: no violation' : `soak: ${r.violations.length} violation(s)${r.logDir ? `; logs in ${r.logDir}` : ''}`);
  return lines.join('\n');
}
