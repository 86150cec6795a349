import { intlTagOf, memo } from '../common/i18n/format.js';
import { barChartSvg, cumulativeChartSvg } from './domain/charts.js';
import type { ReportFigures } from './domain/report.js';

import { localizedText, type Locale } from '../common/i18n/localized.js';
export type { Locale } from '../common/i18n/localized.js';
export type Translate = (key: string, vars?: Record<string, unknown>) => string;

// Every language formats by its catalogue's Intl tag (`meta.intl`): a third language needs no code here.
const intl = (locale: Locale) => intlTagOf(locale);

/** Euros for people: whole euros when there are no cents, grouped the language's way. */
export function formatEuros(cents: number, locale: Locale): string {
  const whole = cents % 100 === 0;
  return memo(
    `report:eur:${locale}:${whole}`,
    () => new Intl.NumberFormat(intl(locale), { style: 'currency', currency: 'EUR', minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 }),
  ).format(cents / 100);
}

export function formatNumber(value: number, locale: Locale): string {
  return memo(`report:num:${locale}`, () => new Intl.NumberFormat(intl(locale), { maximumFractionDigits: 1 })).format(value);
}

/** A percentage (42.5 for 42.5 %) the language's way: fr "42,5 %", en "42.5%", nl "42,5%". */
export function formatPercent(value: number | null, locale: Locale): string {
  return value === null
    ? '—'
    : memo(`report:pct:${locale}`, () => new Intl.NumberFormat(intl(locale), { style: 'percent', maximumFractionDigits: 1 })).format(value / 100);
}

/** A YYYY-MM-DD calendar date, as the language writes it (the date is already local: no zone shift). */
export function formatDate(date: string, locale: Locale, style: 'short' | 'long' = 'long'): string {
  const [y, m, d] = date.split('-').map(Number);
  const opts: Intl.DateTimeFormatOptions = style === 'short' ? { day: 'numeric', month: 'short' } : { day: 'numeric', month: 'long', year: 'numeric' };
  return memo(`report:date:${locale}:${style}`, () => new Intl.DateTimeFormat(intl(locale), { ...opts, timeZone: 'UTC' })).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function categoryLabel(f: ReportFigures, key: string | null, locale: Locale): string {
  if (!key) return '—';
  const c = f.categories.find((x) => x.key === key);
  return c ? localizedText(c.label, locale) || key : key;
}

/** The percent a campaign that missed its goal had reached before its refunds, when it is more than it kept. */
function barBefore(r: ReportFigures['campaignRows'][number]): number | undefined {
  return r.outcome === 'not_funded' && r.beforeRefunds && r.beforeRefunds.percentOfGoal > r.percentOfGoal ? r.beforeRefunds.percentOfGoal : undefined;
}

/**
 * Everything the results page, the staff preview and the PDF show, formatted for one language.
 * `idPrefix` keeps the charts' ids unique when two reports share a page.
 */
export function reportView(f: ReportFigures, locale: Locale, t: Translate, opts: { colour: string; idPrefix?: string; titlesLang?: Locale }) {
  // The report keeps each campaign title in the authority's default language (`titlesLang`).
  const titleLang = opts.titlesLang && opts.titlesLang !== locale ? opts.titlesLang : undefined;
  const eur = (c: number) => formatEuros(c, locale);
  const num = (v: number) => formatNumber(v, locale);
  const keyFigures = [
    { label: t('report.applicationsReceived'), value: num(f.applications.received) },
    { label: t('report.eligible'), value: num(f.applications.eligible) },
    { label: t('report.laureates'), value: num(f.applications.laureates) },
    { label: t('report.campaignsFunded'), value: t('report.campaignsFundedValue', { funded: num(f.campaigns.funded), total: num(f.campaigns.total) }) },
    { label: t('report.successRate'), value: formatPercent(f.campaigns.successRatePercent, locale) },
    { label: t('report.collectedTotal'), value: eur(f.amounts.totalCents) },
    { label: t('report.collectedCitizens'), value: eur(f.amounts.citizensCents) },
    { label: t('report.matchFunding'), value: eur(f.amounts.matchFundingCents) },
    { label: t('report.averagePerCampaign'), value: eur(f.perCampaign.averageCents) },
    { label: t('report.medianPerCampaign'), value: eur(f.perCampaign.medianCents) },
    { label: t('report.averagePerFunded'), value: eur(f.perFundedCampaign.averageCents) },
    { label: t('report.medianPerFunded'), value: eur(f.perFundedCampaign.medianCents) },
    { label: t('report.contributions'), value: num(f.contributions.count) },
    { label: t('report.uniqueContributors'), value: num(f.contributions.uniqueContributors) },
    // schemaVersion 2: everyone who contributed, and the money that went back (older versions do not have them).
    ...(f.contributions.everyone ? [{ label: t('report.everyoneContributors'), value: num(f.contributions.everyone.uniqueContributors) }] : []),
    ...(f.refunds ? [{ label: t('report.refunded'), value: eur(f.refunds.citizensCents) }] : []),
    { label: t('report.pageViews'), value: num(f.pageViews) },
  ];
  // Campaigns that missed their goal, nearest first, with what they had reached before the refunds.
  const nearMisses = f.campaignRows
    .filter((r) => r.outcome === 'not_funded' && r.beforeRefunds)
    .sort((a, b) => b.beforeRefunds!.percentOfGoal - a.beforeRefunds!.percentOfGoal || b.beforeRefunds!.citizensCents - a.beforeRefunds!.citizensCents)
    .map((r) => ({
      title: r.title,
      goal: eur(r.goalCents),
      reached: eur(r.beforeRefunds!.citizensCents),
      percent: formatPercent(r.beforeRefunds!.percentOfGoal, locale),
      contributors: num(r.beforeRefunds!.contributors),
      refunded: eur(Math.max(0, r.beforeRefunds!.citizensCents - r.citizensCents)),
    }));
  const partners = (f.partners ?? []).map((p) => ({ name: p.name, budget: eur(p.budgetCents), matched: eur(p.matchedCents), campaigns: num(p.campaigns) }));
  // What each figure means, in the words of the page (the same text in the PDF and docs/open-data.md).
  const definitions = ['citizens', 'matchFunding', 'total', 'percent', 'successRate', 'contributions', 'contributors', 'everyone', 'beforeRefunds', 'refunded']
    .filter((k) => (k === 'everyone' || k === 'beforeRefunds' || k === 'refunded' ? Boolean(f.refunds) : true))
    .map((k) => ({ term: t(`report.def.${k}.term`), text: t(`report.def.${k}.text`) }));
  const campaignRows = f.campaignRows.map((r) => ({
    ...r,
    categoryLabel: categoryLabel(f, r.category, locale),
    goal: eur(r.goalCents),
    citizens: eur(r.citizensCents),
    matched: eur(r.matchedCents),
    total: eur(r.totalCents),
    percent: formatPercent(r.percentOfGoal, locale),
    contributorsText: num(r.contributors),
    contributionsText: num(r.contributions),
    outcomeLabel: t(`report.outcome.${r.outcome}`),
    // A near miss read in the table too: "0 €" alone would say nobody gave.
    reachedNote: barBefore(r) === undefined ? null : t('report.outcomeReached', { percent: formatPercent(barBefore(r)!, locale) }),
    funded: r.outcome === 'funded',
    // What the chart writes at the end of the bar: a missed campaign also says what it reached before refunds.
    barText:
      barBefore(r) === undefined
        ? formatPercent(r.percentOfGoal, locale)
        : t('report.barBeforeRefunds', { kept: formatPercent(r.percentOfGoal, locale), reached: formatPercent(barBefore(r)!, locale) }),
  }));
  const groups = (rows: ReportFigures['byCommune'], label: (k: string) => string) =>
    rows.map((g) => ({
      label: label(g.key),
      campaigns: num(g.campaigns),
      funded: num(g.funded),
      citizens: eur(g.citizensCents),
      matched: eur(g.matchedCents),
      total: eur(g.totalCents),
    }));
  const daily = f.daily.map((d) => ({
    date: formatDate(d.date, locale),
    iso: d.date,
    ofTheDay: eur(d.citizensCents),
    contributions: num(d.contributions),
    cumulative: eur(d.cumulativeCents),
  }));
  const prefix = opts.idPrefix ?? 'report';
  const barSvg = f.campaignRows.length
    ? barChartSvg({
        id: `${prefix}-bars`,
        title: t('report.barTitle'),
        desc: t('report.barDesc', { count: f.campaigns.total, funded: f.campaigns.funded }),
        bars: f.campaignRows.map((r, i) => ({
          label: r.title,
          lang: titleLang,
          percent: r.percentOfGoal,
          before: barBefore(r),
          valueText: campaignRows[i].barText,
        })),
        colour: opts.colour,
        goalLabel: t('report.goalLine'),
      })
    : null;
  const lastDay = f.daily[f.daily.length - 1];
  const lineSvg = f.daily.length
    ? cumulativeChartSvg({
        id: `${prefix}-daily`,
        title: t('report.dailyTitle'),
        desc: t('report.dailyDesc', { from: formatDate(f.daily[0].date, locale), to: formatDate(lastDay.date, locale), total: eur(lastDay.cumulativeCents) }),
        points: f.daily.map((d) => ({ label: formatDate(d.date, locale, 'short'), value: d.cumulativeCents })),
        colour: opts.colour,
        formatValue: (v) => formatEuros(Math.round(v / 100) * 100, locale),
      })
    : null;
  return {
    keyFigures,
    nearMisses,
    partners,
    definitions,
    campaignRows,
    daily,
    barSvg,
    lineSvg,
    byCommune: groups(f.byCommune, (k) => k),
    byCategory: groups(f.byCategory, (k) => categoryLabel(f, k === '—' ? null : k, locale)),
    programmeTitle: localizedText(f.programme.title, locale),
  };
}
