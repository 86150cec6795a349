import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import type { Recorder } from './load.js';
import type { SoakWorld } from './setup.js';

/** The outbox worker gives up after this many attempts (src/notifications/outbox.worker.ts). */
const OUTBOX_MAX_ATTEMPTS = 8;

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
  /** Up to a few examples of what is wrong. */
  examples?: unknown[];
}

/** What counts in a campaign's totals: confirmed money, also once it is owed back after the close. */
const COUNTED = `(x.status = 'confirmed' OR (x.status IN ('refund_due', 'refunded') AND x.confirmed_at IS NOT NULL))`;

function check(results: CheckResult[], name: string, bad: unknown[], okDetail: string, badDetail = `${bad.length} wrong`): void {
  results.push({ name, ok: bad.length === 0, detail: bad.length ? badDetail : okDetail, ...(bad.length ? { examples: bad.slice(0, 5) } : {}) });
}

/**
 * The invariants after the soak, read from the database and from what the load was told. Each check
 * lists offending rows; an empty list is a pass.
 */
export async function runChecks(
  db: pg.Client,
  world: SoakWorld,
  rec: Recorder,
  dataDir: string,
  /** The Checkout Sessions the Stripe stand-in created (null: the programme paid through the generic webhook). */
  stripeSessions: Array<Record<string, unknown>> | null = null,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const pid = world.programme.id;
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];

  // ---- contributions: acknowledged once, stored once ----------------------------------------------
  const rows = await q<{
    id: string;
    idempotency_key: string;
    campaign_id: string;
    amount_cents: string;
    reward_tier_id: string | null;
    email_key: string;
    status: string;
    confirmed_at: Date | null;
  }>(`SELECT id, idempotency_key, campaign_id, amount_cents, reward_tier_id, email_key, status, confirmed_at FROM contribution WHERE tenant_id = $1`, [
    world.tenantId,
  ]);
  const byKey = new Map<string, typeof rows>();
  for (const r of rows) byKey.set(r.idempotency_key, [...(byKey.get(r.idempotency_key) ?? []), r]);
  const records = [...rec.contributions.values()];
  const acked = records.filter((r) => r.acks.length);
  const notStoredOnce = acked
    .filter((r) => {
      const stored = byKey.get(r.key) ?? [];
      return (
        stored.length !== 1 ||
        new Set(r.acks).size !== 1 ||
        stored[0].id !== r.acks[0] ||
        stored[0].campaign_id !== r.campaignId ||
        Number(stored[0].amount_cents) !== r.amountCents
      );
    })
    .map((r) => ({ key: r.key, acks: r.acks, stored: (byKey.get(r.key) ?? []).map((s) => s.id) }));
  check(
    results,
    'every acknowledged contribution is stored exactly once (by idempotency key)',
    notStoredOnce,
    `${acked.length} acknowledged, each stored once with the acknowledged id`,
  );
  check(
    results,
    'no idempotency key holds two contributions',
    [...byKey.entries()].filter(([, v]) => v.length > 1).map(([k]) => k),
    `${byKey.size} keys, one row each`,
  );
  const sentKeys = new Set(records.map((r) => r.key));
  check(
    results,
    'no contribution that nobody sent',
    rows.filter((r) => !sentKeys.has(r.idempotency_key)).map((r) => r.id),
    'none',
  );
  const refusedButStored = records
    .filter((r) => r.refusal && !r.acks.length && byKey.has(r.key))
    .map((r) => ({ key: r.key, refusal: r.refusal, stored: byKey.get(r.key)!.map((s) => s.status) }));
  check(results, 'no contribution refused to the contributor yet stored', refusedButStored, 'none');
  const pending = rows.filter((r) => r.status === 'pending');
  check(
    results,
    'no contribution left pending once the provider reported every payment',
    pending.map((r) => r.id),
    'none',
  );

  // The provider's word is the contribution's fate: a success counts, a failure does not.
  const fateWrong = rows
    .filter((r) => {
      const d = rec.decisions.get(r.id);
      if (d === 'payment.succeeded') return r.confirmed_at === null || !['confirmed', 'refund_due', 'refunded'].includes(r.status);
      if (d === 'payment.failed') return r.status !== 'failed' || r.confirmed_at !== null;
      return false;
    })
    .map((r) => ({ id: r.id, status: r.status, decision: rec.decisions.get(r.id) }));
  check(results, 'each contribution ends as its first payment event said (later contradictions ignored)', fateWrong, `${rec.decisions.size} payments decided`);

  // ---- Stripe: one Checkout Session per contribution, the one it records -------------------------
  if (stripeSessions) {
    const refs = await q<{ id: string; provider_ref: string | null; status: string }>(
      `SELECT id, provider_ref, status FROM contribution WHERE tenant_id = $1 AND programme_id = $2`,
      [world.tenantId, pid],
    );
    const sessionsOf = new Map<string, string[]>();
    for (const s of stripeSessions) sessionsOf.set(String(s.client_reference_id), [...(sessionsOf.get(String(s.client_reference_id)) ?? []), String(s.id)]);
    const wrong = refs
      .filter((r) => {
        const sessions = sessionsOf.get(r.id) ?? [];
        return sessions.length !== 1 || r.provider_ref !== sessions[0];
      })
      .map((r) => ({ id: r.id, status: r.status, providerRef: r.provider_ref, sessions: sessionsOf.get(r.id) ?? [] }));
    check(
      results,
      'each Stripe contribution has exactly one Checkout Session, the one it records (retries and replays reuse it)',
      wrong,
      `${refs.length} contributions, ${stripeSessions.length} sessions`,
    );
  }

  // ---- payment events: applied once ---------------------------------------------------------------
  const events = [...rec.events.values()];
  const appliedTwice = events.filter((e) => e.answers.filter((a) => !a.duplicate).length > 1).map((e) => ({ id: e.id, answers: e.answers }));
  check(
    results,
    'a replayed webhook is never applied twice',
    appliedTwice,
    `${events.length} events, ${events.reduce((s, e) => s + e.answers.length, 0)} deliveries acknowledged`,
  );
  const storedEvents = await q<{ event_id: string; n: number }>(
    `SELECT event_id, count(*)::int AS n FROM payment_event WHERE tenant_id = $1 GROUP BY event_id`,
    [world.tenantId],
  );
  const storedEventIds = new Map(storedEvents.map((e) => [e.event_id, e.n]));
  check(
    results,
    'every acknowledged webhook event is recorded exactly once',
    events.filter((e) => e.delivered && storedEventIds.get(e.id) !== 1).map((e) => ({ id: e.id, rows: storedEventIds.get(e.id) ?? 0 })),
    `${storedEvents.length} events recorded`,
  );
  check(
    results,
    'no valid webhook refused',
    events.filter((e) => e.refused).map((e) => ({ id: e.id, refused: e.refused })),
    'none',
  );

  // ---- campaign totals equal the rows ------------------------------------------------------------
  const totals = await q<{
    id: string;
    status: string;
    goal_cents: string;
    collected_cents: string;
    matched_cents: string;
    contribution_count: number;
    contributor_count: number;
    settled_at: Date | null;
    sum: string | null;
    n: number;
    d: number;
    backers: number;
    confirmed_alloc: string | null;
    live_alloc: number;
  }>(
    `SELECT c.id, c.status, c.goal_cents, c.collected_cents, c.matched_cents, c.contribution_count, c.contributor_count, c.settled_at,
            (SELECT sum(x.amount_cents) FROM contribution x WHERE x.campaign_id = c.id AND ${COUNTED}) AS sum,
            (SELECT count(*)::int FROM contribution x WHERE x.campaign_id = c.id AND ${COUNTED}) AS n,
            (SELECT count(DISTINCT x.email_key)::int FROM contribution x WHERE x.campaign_id = c.id AND ${COUNTED}) AS d,
            (SELECT count(*)::int FROM campaign_backer b WHERE b.campaign_id = c.id) AS backers,
            (SELECT sum(a.amount_cents) FROM match_allocation a WHERE a.campaign_id = c.id AND a.status = 'confirmed') AS confirmed_alloc,
            (SELECT count(*)::int FROM match_allocation a WHERE a.campaign_id = c.id AND a.status <> 'released') AS live_alloc
       FROM campaign c WHERE c.programme_id = $1 ORDER BY c.goal_cents`,
    [pid],
  );
  const totalsWrong = totals
    .filter((c) => Number(c.collected_cents) !== Number(c.sum ?? 0) || c.contribution_count !== c.n || c.contributor_count !== c.d || c.backers !== c.d)
    .map((c) => ({
      campaign: c.id,
      collected: [Number(c.collected_cents), Number(c.sum ?? 0)],
      contributions: [c.contribution_count, c.n],
      contributors: [c.contributor_count, c.d, c.backers],
    }));
  check(results, 'campaign totals equal the sums of their rows (collected, contributions, contributors, backers)', totalsWrong, `${totals.length} campaigns`);
  // Match-funding: a funded campaign keeps what was confirmed; an all-or-nothing failure gives it all back.
  const matchWrong = totals
    .filter((c) => (c.status === 'not_funded' ? c.live_alloc !== 0 : Number(c.matched_cents) !== Number(c.confirmed_alloc ?? 0)))
    .map((c) => ({
      campaign: c.id,
      status: c.status,
      matched: Number(c.matched_cents),
      confirmedAllocations: Number(c.confirmed_alloc ?? 0),
      unreleased: c.live_alloc,
    }));
  check(results, 'matched amounts equal the confirmed allocations (all released when not funded)', matchWrong, 'consistent');

  // ---- settlement, exactly once -------------------------------------------------------------------
  const audits = await q<{ subject_id: string; action: string; n: number }>(
    `SELECT subject_id, action, count(*)::int AS n FROM audit_entry WHERE tenant_id = $1 AND action IN ('campaign.funded', 'campaign.not_funded') GROUP BY subject_id, action`,
    [world.tenantId],
  );
  const settledWrong = totals
    .filter((c) => {
      const mine = audits.filter((a) => a.subject_id === c.id);
      const expected = Number(c.collected_cents) + Number(c.matched_cents) >= Number(c.goal_cents) ? 'funded' : 'not_funded';
      return (
        !['funded', 'not_funded'].includes(c.status) ||
        !c.settled_at ||
        mine.length !== 1 ||
        mine[0].n !== 1 ||
        mine[0].action !== `campaign.${c.status}` ||
        c.status !== expected
      );
    })
    .map((c) => ({ campaign: c.id, status: c.status, audits: audits.filter((a) => a.subject_id === c.id) }));
  const funded = totals.filter((c) => c.status === 'funded').length;
  check(
    results,
    'every campaign settled exactly once, as its totals say (one audit entry each)',
    settledWrong,
    `${funded} funded, ${totals.length - funded} not funded`,
  );
  const refundsWrong = await q(
    `SELECT c.id, count(*)::int AS n FROM campaign c JOIN contribution x ON x.campaign_id = c.id
      WHERE c.programme_id = $1 AND ((c.status = 'not_funded' AND x.status = 'confirmed') OR (c.status = 'funded' AND x.status = 'refund_due' AND x.confirmed_at IS NOT NULL))
      GROUP BY c.id`,
    [pid],
  );
  check(results, 'an all-or-nothing campaign not funded owes every contribution back; a funded one none', refundsWrong, 'consistent');

  const transitions = await q<{ to_phase: string; n: number }>(
    `SELECT to_phase, count(*)::int AS n FROM phase_transition WHERE programme_id = $1 GROUP BY to_phase`,
    [pid],
  );
  const phaseAudits = await q<{ to: string; n: number }>(
    `SELECT data->>'to' AS to, count(*)::int AS n FROM audit_entry WHERE tenant_id = $1 AND subject_id = $2 AND action = 'programme.phase_changed' GROUP BY 1`,
    [world.tenantId, pid],
  );
  const opened = await q<{ n: number }>(`SELECT count(*)::int AS n FROM audit_entry WHERE tenant_id = $1 AND subject_id = $2 AND action = 'campaigns.opened'`, [
    world.tenantId,
    pid,
  ]);
  const phaseWrong = ['campaign', 'settlement'].flatMap((to) => {
    const t = transitions.find((x) => x.to_phase === to)?.n ?? 0;
    const a = phaseAudits.find((x) => x.to === to)?.n ?? 0;
    return t === 1 && a === 1 ? [] : [{ to, transitions: t, audits: a }];
  });
  if (opened[0].n !== 1) phaseWrong.push({ to: 'campaigns.opened audit', transitions: opened[0].n, audits: opened[0].n });
  const [programme] = await q<{ phase: string }>(`SELECT phase FROM programme WHERE id = $1`, [pid]);
  if (programme.phase !== 'settlement') phaseWrong.push({ to: `programme is in ${programme.phase}`, transitions: 0, audits: 0 });
  check(results, 'each phase transition (campaign, settlement) happened once, with its audit entry', phaseWrong, 'campaign and settlement entered once each');

  // ---- rewards and budgets never below zero, always equal to their reservations ---------------------
  const tiers = await q<{ id: string; quantity: number; remaining: number; held: number }>(
    `SELECT t.id, t.quantity, t.remaining,
            (SELECT count(*)::int FROM contribution x WHERE x.reward_tier_id = t.id
               AND (x.status IN ('pending', 'confirmed') OR (x.status IN ('refund_due', 'refunded') AND x.confirmed_at IS NOT NULL))) AS held
       FROM reward_tier t JOIN campaign c ON c.id = t.campaign_id WHERE c.programme_id = $1 AND t.quantity IS NOT NULL`,
    [pid],
  );
  const soldOut = tiers.filter((t) => t.remaining === 0).length;
  check(
    results,
    'limited rewards: remaining = quantity − reservations not released, never negative',
    tiers.filter((t) => t.remaining < 0 || t.remaining !== t.quantity - t.held),
    `${tiers.length} limited rewards, ${soldOut} sold out at the end`,
  );
  const budgets = await q<{ id: string; kind: string; total_cents: string; remaining_cents: string; taken: string | null }>(
    `SELECT b.id, b.kind, b.total_cents, match_budget_remaining(b.id) AS remaining_cents, (SELECT sum(a.amount_cents) FROM match_allocation a WHERE a.budget_id = b.id AND a.status <> 'released') AS taken
       FROM match_budget b WHERE b.programme_id = $1`,
    [pid],
  );
  check(
    results,
    'match budgets: remaining = total − allocations not released, never negative',
    budgets.filter((b) => Number(b.remaining_cents) < 0 || Number(b.remaining_cents) !== Number(b.total_cents) - Number(b.taken ?? 0)),
    budgets.map((b) => `${b.kind} ${Number(b.total_cents) - Number(b.remaining_cents)}/${b.total_cents} cents used`).join(', '),
  );

  // ---- e-mails: each once, nothing stuck --------------------------------------------------------------
  const outbox = await q<{ id: string; status: string; attempts: number; dedupe_key: string | null; template: string; next_attempt_at: Date }>(
    `SELECT id, status, attempts, dedupe_key, template, next_attempt_at FROM outbox_message WHERE tenant_id = $1`,
    [world.tenantId],
  );
  const dupKeys = [...outbox.reduce((m, o) => (o.dedupe_key ? m.set(o.dedupe_key, (m.get(o.dedupe_key) ?? 0) + 1) : m), new Map<string, number>())].filter(
    ([, n]) => n > 1,
  );
  check(results, 'no e-mail queued twice (dedupe keys unique)', dupKeys, `${outbox.length} e-mails queued`);
  const stuck = outbox.filter(
    (o) =>
      o.status === 'failed' ||
      (o.status !== 'sent' && o.attempts >= OUTBOX_MAX_ATTEMPTS) ||
      (o.status === 'pending' && o.next_attempt_at.getTime() < Date.now() - 60_000),
  );
  const byStatus = outbox.reduce<Record<string, number>>((m, o) => ({ ...m, [o.status]: (m[o.status] ?? 0) + 1 }), {});
  check(
    results,
    'nothing stuck in the outbox (sent, or retrying with attempts left)',
    stuck.map((o) => ({ id: o.id, status: o.status, attempts: o.attempts })),
    Object.entries(byStatus)
      .map(([s, n]) => `${n} ${s}`)
      .join(', '),
  );
  const keys = new Set(outbox.map((o) => o.dedupe_key));
  const counted = rows.filter((r) => r.confirmed_at !== null);
  const missingMail = [
    ...counted.filter((r) => !keys.has(`contribution-confirmed:${r.id}`)).map((r) => `contribution-confirmed:${r.id}`),
    ...counted.filter((r) => !keys.has(`contribution-settled:${r.id}`)).map((r) => `contribution-settled:${r.id}`),
    ...totals.filter((c) => !keys.has(`campaign-settled:${c.id}`)).map((c) => `campaign-settled:${c.id}`),
  ];
  check(
    results,
    'every due e-mail queued (confirmation and settlement per counted contribution, one per campaign)',
    missingMail,
    `${counted.length} confirmations, ${counted.length} settlement notices, ${totals.length} laureate notices`,
  );
  const dir = join(dataDir, 'outbox');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')) : [];
  const fileIds = new Set(files.map((f) => f.slice(0, -4)));
  const ids = new Set(outbox.map((o) => o.id));
  const mailWrong = [
    ...outbox.filter((o) => o.status === 'sent' && !fileIds.has(o.id)).map((o) => `sent without a file: ${o.id}`),
    ...files.filter((f) => !ids.has(f.slice(0, -4))).map((f) => `file without a message: ${f}`),
  ];
  check(results, 'one .eml file per sent e-mail (a re-send after a crash overwrites its own file)', mailWrong, `${files.length} files`);

  // ---- ballots: the last acknowledged choice is the one stored ---------------------------------------
  if (world.jury) {
    const ballots = await q<{ member_id: string; application_id: string; scores: Record<string, number> | null }>(
      `SELECT member_id, application_id, scores FROM jury_ballot WHERE programme_id = $1`,
      [world.jury.programmeId],
    );
    const stored = new Map(ballots.map((b) => [`${b.member_id}:${b.application_id}`, b.scores]));
    const known = [...rec.ballots.values()].filter((b) => b.acked && !b.uncertain);
    const same = (a: Record<string, number> | null | undefined, b: Record<string, number> | null) =>
      JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
    const ballotsWrong = known
      .filter((b) => !same(stored.get(`${b.memberId}:${b.applicationId}`), b.acked))
      .map((b) => ({ pair: `${b.memberId}:${b.applicationId}`, acked: b.acked, stored: stored.get(`${b.memberId}:${b.applicationId}`) }));
    check(results, "each ballot holds the juror's last acknowledged scores", ballotsWrong, `${known.length} ballots, ${ballots.length} stored`);
  }
  return results;
}
