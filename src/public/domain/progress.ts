import { intlTagOf } from '../../common/i18n/format.js';
import type { WindowState } from './public-rules.js';

import type { Locale } from '../../common/i18n/localized.js';
export type { Locale } from '../../common/i18n/localized.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Intl formatters cost tens of microseconds to build: one per language and style. */
const formatters = new Map<string, Intl.NumberFormat>();
function nf(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f;
}
const tag = (locale: Locale) => intlTagOf(locale);

/**
 * Euros from integer cents, per locale: fr "1 234 €", en "€1,234"; cents are shown only when there
 * are some ("1 234,50 €"). fr separators are Intl's narrow no-break spaces.
 */
export function formatMoney(cents: number, locale: Locale): string {
  const whole = cents % 100 === 0;
  const f = nf(
    `eur:${locale}:${whole}`,
    () =>
      new Intl.NumberFormat(tag(locale), {
        style: 'currency',
        currency: 'EUR',
        minimumFractionDigits: whole ? 0 : 2,
        maximumFractionDigits: whole ? 0 : 2,
      }),
  );
  return f.format(cents / 100);
}

export function formatCount(n: number, locale: Locale): string {
  return nf(`int:${locale}`, () => new Intl.NumberFormat(tag(locale), { maximumFractionDigits: 0 })).format(n);
}

/** "45 %" in French, "45%" in English. */
export function formatPercent(percent: number, locale: Locale): string {
  return nf(`pct:${locale}`, () => new Intl.NumberFormat(tag(locale), { style: 'percent', maximumFractionDigits: 0 })).format(percent / 100);
}

/** Whole percent of the goal, rounded down so that 99.6% never reads as "100%" before the goal is reached. */
export function percentOfGoal(reachedCents: number, goalCents: number): number {
  if (goalCents <= 0) return 0;
  return Math.floor((reachedCents * 100) / goalCents);
}

/** Days left in the window: closing minus now, rounded up (a last afternoon is "1 day"), 0 once closed, null when unscheduled. */
export function daysLeft(closesAt: Date | null, now: Date): number | null {
  if (!closesAt) return null;
  return Math.max(0, Math.ceil((closesAt.getTime() - now.getTime()) / DAY_MS));
}

/** Time until an instant, in the coarsest unit that reads well: days, then hours, then "soon". */
export interface Countdown {
  unit: 'days' | 'hours' | 'soon';
  count: number;
}

export function countdownTo(at: Date | null, now: Date): Countdown | null {
  if (!at) return null;
  const ms = at.getTime() - now.getTime();
  if (ms <= HOUR_MS) return { unit: 'soon', count: 0 };
  if (ms < DAY_MS) return { unit: 'hours', count: Math.ceil(ms / HOUR_MS) };
  return { unit: 'days', count: Math.ceil(ms / DAY_MS) };
}

export interface ProgressInput {
  /** Accessible name of the bar, usually the campaign's title. */
  label: string;
  goalCents: number;
  /** Confirmed citizens' money. */
  collectedCents: number;
  /** Confirmed match-funding. */
  matchedCents: number;
  /** Whether match-funding counts toward the goal (campaign_settings.match_counts_toward_goal). */
  matchCountsTowardGoal: boolean;
  contributorCount: number;
  /** The window's closing instant (the programme's `settlement` instant). */
  closesAt: Date | null;
  /** The window's opening instant (the programme's `campaign` instant). */
  opensAt: Date | null;
  state: WindowState;
  now: Date;
  locale: Locale;
}

/** The input of templates/partials/progress.hbs (documented at the top of that file). */
export interface ProgressView {
  label: string;
  state: WindowState;
  percent: number;
  barValue: number;
  percentText: string;
  collectedText: string;
  goalText: string;
  matchedText: string | null;
  contributors: number;
  contributorsText: string;
  daysLeft: number | null;
  opensAt: string | null;
  closesAt: string | null;
}

/** Everything the progress partial shows, formatted for one language; the campaign page builds it the same way. */
export function campaignProgress(input: ProgressInput): ProgressView {
  const reached = input.collectedCents + (input.matchCountsTowardGoal ? input.matchedCents : 0);
  const percent = percentOfGoal(reached, input.goalCents);
  const left = input.state === 'closed' ? 0 : daysLeft(input.closesAt, input.now);
  return {
    label: input.label,
    state: input.state,
    percent,
    barValue: Math.min(100, Math.max(0, percent)),
    percentText: formatPercent(percent, input.locale),
    collectedText: formatMoney(input.collectedCents, input.locale),
    goalText: formatMoney(input.goalCents, input.locale),
    matchedText: input.matchedCents > 0 ? formatMoney(input.matchedCents, input.locale) : null,
    contributors: input.contributorCount,
    contributorsText: formatCount(input.contributorCount, input.locale),
    daysLeft: left,
    opensAt: input.opensAt?.toISOString() ?? null,
    closesAt: input.closesAt?.toISOString() ?? null,
  };
}
