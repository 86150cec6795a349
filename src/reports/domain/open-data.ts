import { toCsv } from '../../applications/domain/export.js';
import type { ReportFigures } from './report.js';

/**
 * The open-data downloads of a published report (documented in docs/open-data.md). Column and key
 * names are part of the contract: add new ones, never rename or remove within a schema version.
 */

export interface PublishedMeta {
  version: number;
  publishedAt: string;
  tenant: { slug: string; name: string };
}

export const CSV_TABLES = ['campaigns', 'summary', 'daily', 'communes', 'categories', 'partners'] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

export function isCsvTable(v: unknown): v is CsvTable {
  return typeof v === 'string' && (CSV_TABLES as readonly string[]).includes(v);
}

/** Cents as a plain decimal euro amount, "1234.50": no grouping, a dot, whatever the language. */
export function euros(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Every `xxxCents` number gets a sibling `xxxEur` (a JSON number in euros), at any depth. */
export function withEuros(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withEuros);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = withEuros(v);
    if (k.endsWith('Cents') && typeof v === 'number') out[`${k.slice(0, -5)}Eur`] = Number(euros(v));
  }
  return out;
}

/** The JSON download: schemaVersion, who published which version when, then every figure. */
export function reportJson(meta: PublishedMeta, figures: ReportFigures): Record<string, unknown> {
  const { schemaVersion, ...rest } = figures;
  return {
    schemaVersion,
    version: meta.version,
    publishedAt: meta.publishedAt,
    tenant: meta.tenant,
    ...(withEuros(rest) as Record<string, unknown>),
  };
}

/**
 * Two CSV dialects: `comma` (RFC 4180, decimals with a dot: the default, for programs) and `semicolon`
 * (`;` between cells and decimals with a comma, as spreadsheets set to French or Dutch read them).
 */
export const CSV_DIALECTS = ['comma', 'semicolon'] as const;
export type CsvDialect = (typeof CSV_DIALECTS)[number];

export function isCsvDialect(v: unknown): v is CsvDialect {
  return typeof v === 'string' && (CSV_DIALECTS as readonly string[]).includes(v);
}

/** The columns added by schemaVersion 2 to the campaigns table, after every column of version 1. */
const BEFORE_REFUNDS_COLUMNS = [
  'before_refunds_citizens_cents',
  'before_refunds_citizens_eur',
  'before_refunds_percent_of_goal',
  'before_refunds_contributions',
  'before_refunds_contributors',
];

function rows(table: CsvTable, f: ReportFigures, decimal: '.' | ','): Array<Record<string, string>> {
  const label = (key: string) => f.categories.find((c) => c.key === key);
  const eur = (cents: number) => euros(cents).replace('.', decimal);
  const money = (prefix: string, cents: number) => ({ [`${prefix}_cents`]: String(cents), [`${prefix}_eur`]: eur(cents) });
  switch (table) {
    case 'campaigns':
      return f.campaignRows.map((r) => ({
        campaign_slug: r.slug,
        title: r.title,
        commune: r.commune,
        category: r.category ?? '',
        ...money('goal', r.goalCents),
        ...money('citizens', r.citizensCents),
        ...money('matched', r.matchedCents),
        ...money('total', r.totalCents),
        percent_of_goal: String(r.percentOfGoal),
        contributions: String(r.contributions),
        contributors: String(r.contributors),
        page_views: String(r.pageViews),
        outcome: r.outcome,
        ...(r.beforeRefunds
          ? {
              ...money('before_refunds_citizens', r.beforeRefunds.citizensCents),
              before_refunds_percent_of_goal: String(r.beforeRefunds.percentOfGoal),
              before_refunds_contributions: String(r.beforeRefunds.contributions),
              before_refunds_contributors: String(r.beforeRefunds.contributors),
            }
          : {}),
      }));
    case 'daily':
      return f.daily.map((d) => ({
        date: d.date,
        ...money('citizens', d.citizensCents),
        contributions: String(d.contributions),
        ...money('cumulative', d.cumulativeCents),
      }));
    case 'communes':
    case 'categories':
      return (table === 'communes' ? f.byCommune : f.byCategory).map((g) => ({
        [table === 'communes' ? 'commune' : 'category']: g.key,
        ...(table === 'categories' ? Object.fromEntries(categoryLanguages(f).map((l) => [`label_${l}`, label(g.key)?.label?.[l] ?? ''])) : {}),
        campaigns: String(g.campaigns),
        funded: String(g.funded),
        ...money('citizens', g.citizensCents),
        ...money('matched', g.matchedCents),
        ...money('total', g.totalCents),
      }));
    case 'partners':
      return (f.partners ?? []).map((p) => ({
        partner: p.name,
        ...money('budget', p.budgetCents),
        ...money('matched', p.matchedCents),
        campaigns: String(p.campaigns),
      }));
    case 'summary': {
      const line = (indicator: string, value: string | number | null) => ({ indicator, value: value === null ? '' : String(value) });
      const cents = (indicator: string, v: number) => [line(`${indicator}_cents`, v), line(`${indicator}_eur`, eur(v))];
      const everyone = f.contributions.everyone;
      return [
        line('programme_slug', f.programme.slug),
        line('window_opens_at', f.window.opensAt),
        line('window_closes_at', f.window.closesAt),
        line('generated_at', f.generatedAt),
        line('applications_received', f.applications.received),
        line('applications_eligible', f.applications.eligible),
        line('laureates', f.applications.laureates),
        line('campaigns_total', f.campaigns.total),
        line('campaigns_funded', f.campaigns.funded),
        line('campaigns_not_funded', f.campaigns.notFunded),
        line('campaigns_in_progress', f.campaigns.inProgress),
        line('success_rate_percent', f.campaigns.successRatePercent === null ? null : String(f.campaigns.successRatePercent).replace('.', decimal)),
        ...cents('collected_citizens', f.amounts.citizensCents),
        ...cents('collected_match_funding', f.amounts.matchFundingCents),
        ...cents('collected_total', f.amounts.totalCents),
        ...cents('average_per_campaign', f.perCampaign.averageCents),
        ...cents('median_per_campaign', f.perCampaign.medianCents),
        ...cents('average_per_funded_campaign', f.perFundedCampaign.averageCents),
        ...cents('median_per_funded_campaign', f.perFundedCampaign.medianCents),
        line('contributions', f.contributions.count),
        line('unique_contributors', f.contributions.uniqueContributors),
        line('page_views', f.pageViews),
        // schemaVersion 2: everyone who contributed and what went back.
        ...(everyone
          ? [
              line('contributions_everyone', everyone.count),
              line('unique_contributors_everyone', everyone.uniqueContributors),
              ...cents('collected_before_refunds_citizens', everyone.citizensCents),
            ]
          : []),
        ...(f.refunds ? [...cents('refunded_citizens', f.refunds.citizensCents), line('refunded_contributions', f.refunds.contributions)] : []),
      ];
    }
  }
}

/** The stable header of each table, known even when the table has no row. */
export const CSV_COLUMNS: Record<CsvTable, string[]> = {
  campaigns: [
    'campaign_slug',
    'title',
    'commune',
    'category',
    'goal_cents',
    'goal_eur',
    'citizens_cents',
    'citizens_eur',
    'matched_cents',
    'matched_eur',
    'total_cents',
    'total_eur',
    'percent_of_goal',
    'contributions',
    'contributors',
    'page_views',
    'outcome',
  ],
  daily: ['date', 'citizens_cents', 'citizens_eur', 'contributions', 'cumulative_cents', 'cumulative_eur'],
  communes: ['commune', 'campaigns', 'funded', 'citizens_cents', 'citizens_eur', 'matched_cents', 'matched_eur', 'total_cents', 'total_eur'],
  categories: [
    'category',
    'label_fr',
    'label_en',
    'campaigns',
    'funded',
    'citizens_cents',
    'citizens_eur',
    'matched_cents',
    'matched_eur',
    'total_cents',
    'total_eur',
  ],
  summary: ['indicator', 'value'],
  partners: ['partner', 'budget_cents', 'budget_eur', 'matched_cents', 'matched_eur', 'campaigns'],
};

/** One table of the report as CSV (UTF-8 with BOM for spreadsheets), each line saying which version it is from. */
export function reportCsv(meta: PublishedMeta, figures: ReportFigures, table: CsvTable, dialect: CsvDialect = 'comma'): string {
  const columns = csvColumns(table, figures);
  const header = ['report_version', 'published_at', ...columns];
  const body = rows(table, figures, dialect === 'semicolon' ? ',' : '.').map((r) => [
    String(meta.version),
    meta.publishedAt,
    ...columns.map((c) => r[c] ?? ''),
  ]);
  return '\uFEFF' + toCsv(header, body, dialect === 'semicolon' ? ';' : ',');
}

/**
 * The languages of the category labels: French and English always (the columns of schemaVersion 1),
 * then every other language a label is written in, in alphabetical order (`label_nl`, …).
 */
export function categoryLanguages(f: ReportFigures): string[] {
  const others = new Set<string>();
  for (const c of f.categories) for (const lang of Object.keys(c.label ?? {})) if (lang !== 'fr' && lang !== 'en') others.add(lang);
  return ['fr', 'en', ...[...others].sort()];
}

/**
 * A table's columns: the stable ones, for campaigns the columns of schemaVersion 2 when the report has
 * them, and for categories one `label_<lang>` per further language after `label_en`.
 */
export function csvColumns(table: CsvTable, f: ReportFigures): string[] {
  if (table === 'campaigns') return f.schemaVersion >= 2 ? [...CSV_COLUMNS.campaigns, ...BEFORE_REFUNDS_COLUMNS] : CSV_COLUMNS.campaigns;
  if (table !== 'categories') return CSV_COLUMNS[table];
  const extra = categoryLanguages(f)
    .slice(2)
    .map((l) => `label_${l}`);
  const cols = [...CSV_COLUMNS.categories];
  cols.splice(cols.indexOf('label_en') + 1, 0, ...extra);
  return cols;
}
