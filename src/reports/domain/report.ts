import { offsetMs } from '../../common/time/zoned.js';
import type { Localized } from '../../common/i18n/localized.js';

/**
 * The results report of one programme, computed from plain rows so that every figure can be checked
 * on hand-built data. Money is integer cents. The output is plain JSON (ISO strings, no Date) because
 * a published version is stored as is and must read back identically forever.
 */

/** 2 added each campaign's figures before refunds and everyone who contributed (docs/open-data.md). */
export const REPORT_SCHEMA_VERSION = 2;

export type CampaignStatusLike = 'draft' | 'in_review' | 'changes_requested' | 'approved' | 'live' | 'awaiting_funds' | 'funded' | 'not_funded';
export type ContributionStatusLike = 'pending' | 'confirmed' | 'failed' | 'expired' | 'refund_due' | 'refunded';

export interface ReportApplication {
  id: string;
  /** Submitted at some point (a later withdrawal still counts as received). */
  submitted: boolean;
  eligible: boolean;
}

export interface ReportCampaign {
  id: string;
  applicationId: string;
  slug: string;
  title: string;
  commune: string;
  category: string | null;
  goalCents: number;
  status: CampaignStatusLike;
  pageViews: number;
}

export interface ReportContribution {
  campaignId: string;
  amountCents: number;
  /** Who the contributor is (the normalised e-mail), anonymous contributors included. */
  emailKey: string;
  status: ContributionStatusLike;
  confirmedAt: Date | null;
}

/** Confirmed contributions of opened campaigns, summed: per campaign, per local day, and overall. */
export interface ContributionSummary {
  perCampaign: Record<string, { citizensCents: number; contributions: number; contributors: number }>;
  /**
   * Every payment that was confirmed, whatever happened next (kept, refund due, refunded): what each
   * campaign reached before its refunds, and everyone who contributed.
   */
  reachedPerCampaign: Record<string, { citizensCents: number; contributions: number; contributors: number }>;
  everyone: { citizensCents: number; contributions: number; uniqueContributors: number };
  /** Local dates (YYYY-MM-DD, tenant's time zone) of confirmation. */
  perDay: Array<{ date: string; citizensCents: number; contributions: number }>;
  contributions: number;
  uniqueContributors: number;
}

export interface ReportAllocation {
  campaignId: string;
  /** The partner whose budget it comes from (absent in reports computed before partners were shown). */
  partnerId?: string;
  amountCents: number;
  kind: 'ratio' | 'grant';
  status: 'reserved' | 'confirmed' | 'released';
}

export interface ReportInput {
  programme: { id: string; slug: string; title: Localized; phase: string };
  categories: Array<{ key: string; label: Localized }>;
  applications: ReportApplication[];
  /** Application ids with a confirmed laureate outcome. */
  laureateIds: string[];
  campaigns: ReportCampaign[];
  contributions: ReportContribution[];
  /**
   * The confirmed contributions of opened campaigns already summed (by the database, for large
   * programmes); when given, `contributions` is not read. Same figures as summing the rows.
   */
  contributionSummary?: ContributionSummary;
  allocations: ReportAllocation[];
  /** The partners with a match-funding budget in the programme: their name and the sum of their budgets. */
  partners?: Array<{ id: string; name: string; budgetCents: number }>;
  /** The collection window: opens at the `campaign` phase, closes at `settlement`. */
  window: { opensAt: Date | null; closesAt: Date | null };
  /** Whether match-funding counts toward a campaign's goal (the programme's campaign settings). */
  matchCountsTowardGoal: boolean;
  timeZone: string;
  generatedAt: Date;
}

export type CampaignOutcome = 'funded' | 'not_funded' | 'in_progress';

export interface CampaignRow {
  campaignId: string;
  slug: string;
  title: string;
  commune: string;
  category: string | null;
  goalCents: number;
  citizensCents: number;
  matchedCents: number;
  totalCents: number;
  /** Whole percent of the goal reached (rounded down: 99.9 % is not shown as 100 %). */
  percentOfGoal: number;
  contributions: number;
  contributors: number;
  pageViews: number;
  outcome: CampaignOutcome;
  /**
   * Citizens' payments confirmed at some point, refunded ones included (schemaVersion 2): what a campaign
   * that missed its goal had reached before its contributions went back. `citizensCents` is citizens'
   * money only; `percentOfGoal` adds the match-funding the campaign kept, like its own % of goal (a
   * campaign that is not funded keeps none).
   */
  beforeRefunds?: { citizensCents: number; percentOfGoal: number; contributions: number; contributors: number };
}

export interface GroupRow {
  key: string;
  campaigns: number;
  funded: number;
  citizensCents: number;
  matchedCents: number;
  totalCents: number;
}

export interface DayRow {
  /** Local calendar date in the tenant's time zone, YYYY-MM-DD. */
  date: string;
  citizensCents: number;
  contributions: number;
  cumulativeCents: number;
}

export interface ReportFigures {
  schemaVersion: number;
  generatedAt: string;
  timeZone: string;
  /**
   * `title` per language; `titleFr`/`titleEn` are the French and English texts ('' when not written),
   * kept for readers of schemaVersion 1.
   */
  programme: { id: string; slug: string; title: Localized; titleFr: string; titleEn: string; phase: string };
  window: { opensAt: string | null; closesAt: string | null };
  applications: { received: number; eligible: number; laureates: number };
  campaigns: { total: number; funded: number; notFunded: number; inProgress: number; successRatePercent: number | null };
  amounts: { citizensCents: number; matchFundingCents: number; totalCents: number };
  /** Over the campaigns' totals (citizens + match-funding). */
  perCampaign: { averageCents: number; medianCents: number };
  perFundedCampaign: { averageCents: number; medianCents: number };
  /**
   * `count` and `uniqueContributors`: the contributions whose money was kept (funded campaigns and
   * campaigns still collecting). `everyone` (schemaVersion 2): every confirmed payment, refunded ones included.
   */
  contributions: { count: number; uniqueContributors: number; everyone?: { count: number; uniqueContributors: number; citizensCents: number } };
  /**
   * The partners who set a match-funding budget (schemaVersion 2), most matched first: the budget they
   * set, what they gave (confirmed allocations of opened campaigns) and to how many campaigns.
   */
  partners?: Array<{ name: string; budgetCents: number; matchedCents: number; campaigns: number }>;
  /** Citizens' money confirmed then given back (schemaVersion 2): `contributions.everyone.citizensCents - amounts.citizensCents`. */
  refunds?: { citizensCents: number; contributions: number };
  pageViews: number;
  /** `label` per language; `labelFr`/`labelEn` as `titleFr`/`titleEn` above. */
  categories: Array<{ key: string; label: Localized; labelFr: string; labelEn: string }>;
  byCommune: GroupRow[];
  byCategory: GroupRow[];
  daily: DayRow[];
  campaignRows: CampaignRow[];
}

/** Campaigns that opened for collection: drafts and pages under review have collected nothing and are left out. */
const LAUNCHED: readonly CampaignStatusLike[] = ['live', 'awaiting_funds', 'funded', 'not_funded'];
/** The statuses of a payment that was confirmed at some point. */
const REACHED: readonly ContributionStatusLike[] = ['confirmed', 'refund_due', 'refunded'];
/** A window longer than this is a data error; the curve stops there rather than growing without bound. */
const MAX_DAYS = 400;

export function outcomeOf(status: CampaignStatusLike): CampaignOutcome {
  return status === 'funded' ? 'funded' : status === 'not_funded' ? 'not_funded' : 'in_progress';
}

/** Rounded half away from zero, on integers: money stays whole cents. */
function divRound(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : Math.round(numerator / denominator);
}

export function median(values: readonly number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The calendar date an instant shows in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  const local = new Date(at.getTime() + offsetMs(at.getTime(), timeZone));
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
}

function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return `${pad(next.getUTCFullYear(), 4)}-${pad(next.getUTCMonth() + 1)}-${pad(next.getUTCDate())}`;
}

function group(rows: CampaignRow[], keyOf: (r: CampaignRow) => string): GroupRow[] {
  const groups = new Map<string, GroupRow>();
  for (const r of rows) {
    const key = keyOf(r);
    const g = groups.get(key) ?? { key, campaigns: 0, funded: 0, citizensCents: 0, matchedCents: 0, totalCents: 0 };
    g.campaigns += 1;
    if (r.outcome === 'funded') g.funded += 1;
    g.citizensCents += r.citizensCents;
    g.matchedCents += r.matchedCents;
    g.totalCents += r.totalCents;
    groups.set(key, g);
  }
  // Largest first, then by name: a stable order for the page, the CSV and the PDF alike.
  return [...groups.values()].sort((a, b) => b.totalCents - a.totalCents || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The cumulative collection per local day over the window. Days run from the opening's date to the
 * date of the last instant before the close; a confirmation outside the window (a late payment
 * confirmed during settlement) is counted on the nearest day of it, so the curve ends on the total.
 */
/** Sums the rows the way the database does for large programmes (the two paths give the same figures). */
export function summariseContributions(contributions: ReportContribution[], launchedIds: ReadonlySet<string>, timeZone: string): ContributionSummary {
  // Only confirmed money counts: pending may still fail, and refunded or refund-due money went back.
  const counted = contributions.filter((c) => c.status === 'confirmed' && launchedIds.has(c.campaignId) && c.confirmedAt);
  // Before refunds: every payment that was confirmed (a refund comes after a confirmation).
  const reached = contributions.filter((c) => REACHED.includes(c.status) && launchedIds.has(c.campaignId) && c.confirmedAt);
  // Zone offsets change on whole hours: one offset lookup per hour of confirmations, not per contribution.
  const offsets = new Map<number, number>();
  const dayOf = (at: Date) => {
    const hour = Math.floor(at.getTime() / 3_600_000);
    let offset = offsets.get(hour);
    if (offset === undefined) offsets.set(hour, (offset = offsetMs(at.getTime(), timeZone)));
    const local = new Date(at.getTime() + offset);
    return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
  };
  const perCampaign: ContributionSummary['perCampaign'] = {};
  const people = new Map<string, Set<string>>();
  const perDay = new Map<string, { date: string; citizensCents: number; contributions: number }>();
  for (const c of counted) {
    const row = (perCampaign[c.campaignId] ??= { citizensCents: 0, contributions: 0, contributors: 0 });
    row.citizensCents += c.amountCents;
    row.contributions += 1;
    const set = people.get(c.campaignId) ?? new Set<string>();
    set.add(c.emailKey);
    people.set(c.campaignId, set);
    const date = dayOf(c.confirmedAt!);
    const day = perDay.get(date) ?? { date, citizensCents: 0, contributions: 0 };
    day.citizensCents += c.amountCents;
    day.contributions += 1;
    perDay.set(date, day);
  }
  for (const [id, set] of people) perCampaign[id].contributors = set.size;
  const reachedPerCampaign: ContributionSummary['reachedPerCampaign'] = {};
  const reachedPeople = new Map<string, Set<string>>();
  for (const c of reached) {
    const row = (reachedPerCampaign[c.campaignId] ??= { citizensCents: 0, contributions: 0, contributors: 0 });
    row.citizensCents += c.amountCents;
    row.contributions += 1;
    reachedPeople.set(c.campaignId, (reachedPeople.get(c.campaignId) ?? new Set<string>()).add(c.emailKey));
  }
  for (const [id, set] of reachedPeople) reachedPerCampaign[id].contributors = set.size;
  return {
    perCampaign,
    reachedPerCampaign,
    everyone: {
      citizensCents: reached.reduce((sum, c) => sum + c.amountCents, 0),
      contributions: reached.length,
      uniqueContributors: new Set(reached.map((c) => c.emailKey)).size,
    },
    perDay: [...perDay.values()],
    contributions: counted.length,
    uniqueContributors: new Set(counted.map((c) => c.emailKey)).size,
  };
}

/**
 * The cumulative collection per local day over the window. Days run from the opening's date to the
 * date of the last instant before the close; a confirmation outside the window (a late payment
 * confirmed during settlement) is counted on the nearest day of it, so the curve ends on the total.
 */
function daily(perDay: ContributionSummary['perDay'], window: ReportInput['window'], timeZone: string): DayRow[] {
  const dates = perDay.map((d) => d.date).sort();
  const first = window.opensAt ? localDate(window.opensAt, timeZone) : dates[0];
  const last = window.closesAt ? localDate(new Date(window.closesAt.getTime() - 1), timeZone) : dates[dates.length - 1];
  if (!first || !last || last < first) return [];
  const rows: DayRow[] = [];
  const index = new Map<string, DayRow>();
  for (let d = first, n = 0; d <= last && n < MAX_DAYS; d = nextDate(d), n++) {
    const row = { date: d, citizensCents: 0, contributions: 0, cumulativeCents: 0 };
    rows.push(row);
    index.set(d, row);
  }
  const end = rows[rows.length - 1].date;
  for (const day of perDay) {
    const row = index.get(day.date < first ? first : day.date > end ? end : day.date)!;
    row.citizensCents += day.citizensCents;
    row.contributions += day.contributions;
  }
  let running = 0;
  for (const row of rows) {
    running += row.citizensCents;
    row.cumulativeCents = running;
  }
  return rows;
}

export function computeReport(input: ReportInput): ReportFigures {
  const launched = input.campaigns.filter((c) => LAUNCHED.includes(c.status));
  const launchedIds = new Set(launched.map((c) => c.id));
  const summary = input.contributionSummary ?? summariseContributions(input.contributions, launchedIds, input.timeZone);
  const matched = input.allocations.filter((a) => a.status === 'confirmed' && launchedIds.has(a.campaignId));

  const matchedByCampaign = new Map<string, number>();
  for (const a of matched) matchedByCampaign.set(a.campaignId, (matchedByCampaign.get(a.campaignId) ?? 0) + a.amountCents);
  const campaignRows: CampaignRow[] = launched
    .map((c) => {
      const mine = summary.perCampaign[c.id] ?? { citizensCents: 0, contributions: 0, contributors: 0 };
      const citizensCents = mine.citizensCents;
      const matchedCents = matchedByCampaign.get(c.id) ?? 0;
      const towardGoal = citizensCents + (input.matchCountsTowardGoal ? matchedCents : 0);
      const before = summary.reachedPerCampaign[c.id] ?? { citizensCents: 0, contributions: 0, contributors: 0 };
      return {
        campaignId: c.id,
        slug: c.slug,
        title: c.title,
        commune: c.commune,
        category: c.category,
        goalCents: c.goalCents,
        citizensCents,
        matchedCents,
        totalCents: citizensCents + matchedCents,
        percentOfGoal: c.goalCents > 0 ? Math.floor((towardGoal * 100) / c.goalCents) : 0,
        contributions: mine.contributions,
        contributors: mine.contributors,
        pageViews: c.pageViews,
        outcome: outcomeOf(c.status),
        // With the match-funding the campaign kept (none for one that is not funded), as its own % of goal counts it:
        // a campaign without refunds reads the same percentage twice.
        beforeRefunds: {
          ...before,
          percentOfGoal: c.goalCents > 0 ? Math.floor(((before.citizensCents + (input.matchCountsTowardGoal ? matchedCents : 0)) * 100) / c.goalCents) : 0,
        },
      };
    })
    .sort((a, b) => b.percentOfGoal - a.percentOfGoal || b.totalCents - a.totalCents || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0));

  const funded = campaignRows.filter((r) => r.outcome === 'funded');
  const totals = campaignRows.map((r) => r.totalCents);
  const citizensCents = campaignRows.reduce((s, r) => s + r.citizensCents, 0);
  const matchFundingCents = campaignRows.reduce((s, r) => s + r.matchedCents, 0);
  const totalCents = citizensCents + matchFundingCents;
  const fundedTotal = funded.reduce((s, r) => s + r.totalCents, 0);
  const settled = campaignRows.filter((r) => r.outcome !== 'in_progress').length;

  const partners = (input.partners ?? [])
    .map((p) => {
      const mine = matched.filter((a) => a.partnerId === p.id);
      return {
        name: p.name,
        budgetCents: p.budgetCents,
        matchedCents: mine.reduce((sum, a) => sum + a.amountCents, 0),
        campaigns: new Set(mine.map((a) => a.campaignId)).size,
      };
    })
    .sort((a, b) => b.matchedCents - a.matchedCents || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const submitted = input.applications.filter((a) => a.submitted);
  const laureates = new Set(input.laureateIds);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generatedAt: input.generatedAt.toISOString(),
    timeZone: input.timeZone,
    programme: { ...input.programme, title: { ...input.programme.title }, titleFr: input.programme.title.fr ?? '', titleEn: input.programme.title.en ?? '' },
    window: { opensAt: input.window.opensAt?.toISOString() ?? null, closesAt: input.window.closesAt?.toISOString() ?? null },
    applications: {
      received: submitted.length,
      eligible: submitted.filter((a) => a.eligible).length,
      laureates: laureates.size,
    },
    campaigns: {
      total: campaignRows.length,
      funded: funded.length,
      notFunded: campaignRows.filter((r) => r.outcome === 'not_funded').length,
      inProgress: campaignRows.filter((r) => r.outcome === 'in_progress').length,
      // Over the settled campaigns: a live one has neither succeeded nor failed yet.
      successRatePercent: settled ? Math.round((funded.length * 1000) / settled) / 10 : null,
    },
    amounts: { citizensCents, matchFundingCents, totalCents },
    perCampaign: { averageCents: divRound(totalCents, campaignRows.length), medianCents: median(totals) },
    perFundedCampaign: { averageCents: divRound(fundedTotal, funded.length), medianCents: median(funded.map((r) => r.totalCents)) },
    contributions: {
      count: summary.contributions,
      uniqueContributors: summary.uniqueContributors,
      everyone: {
        count: summary.everyone.contributions,
        uniqueContributors: summary.everyone.uniqueContributors,
        citizensCents: summary.everyone.citizensCents,
      },
    },
    partners,
    refunds: {
      citizensCents: Math.max(0, summary.everyone.citizensCents - citizensCents),
      contributions: Math.max(0, summary.everyone.contributions - summary.contributions),
    },
    pageViews: launched.reduce((s, c) => s + c.pageViews, 0),
    categories: input.categories.map((c) => ({ key: c.key, label: { ...c.label }, labelFr: c.label.fr ?? '', labelEn: c.label.en ?? '' })),
    byCommune: group(campaignRows, (r) => r.commune || '—'),
    byCategory: group(campaignRows, (r) => r.category ?? '—'),
    daily: daily(summary.perDay, input.window, input.timeZone),
    campaignRows,
  };
}

/**
 * Figures as published by any version of the code: a snapshot published before titles and labels
 * were stored per language has only `titleFr`/`titleEn` and `labelFr`/`labelEn` (snapshots never change).
 */
export function upgradeFigures(f: ReportFigures): ReportFigures {
  const perLanguage = (v: Localized | undefined, fr: string | undefined, en: string | undefined): Localized =>
    v && typeof v === 'object' ? v : Object.fromEntries(Object.entries({ fr: fr ?? '', en: en ?? '' }).filter(([, t]) => t.trim()));
  return {
    ...f,
    programme: { ...f.programme, title: perLanguage(f.programme.title, f.programme.titleFr, f.programme.titleEn) },
    categories: (f.categories ?? []).map((c) => ({ ...c, label: perLanguage(c.label, c.labelFr, c.labelEn) })),
  };
}
