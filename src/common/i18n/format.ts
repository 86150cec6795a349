import type { Locale } from './localized.js';

/**
 * Numbers, money, dates and lists in the reader's language, by `Intl`. Plain TypeScript (domain code
 * formats too). The `Intl` tag of each language comes from its catalogue (`meta.intl`), registered when
 * the catalogues load; a language not registered formats with its own code.
 */
const tags = new Map<Locale, string>();

export function registerIntlTag(locale: Locale, tag: string): void {
  tags.set(locale, tag);
}

export function intlTagOf(locale: Locale): string {
  return tags.get(locale) ?? locale;
}

/** Intl formatters cost tens of microseconds to build: one per language and style. */
type IntlFormatter = Intl.NumberFormat | Intl.DateTimeFormat | Intl.PluralRules | Intl.ListFormat | Intl.Collator;
const cache = new Map<string, IntlFormatter>();
/** The formatter of `key`, built once (the key names the language and every option). */
export function memo<T extends IntlFormatter>(key: string, make: () => T): T {
  let f = cache.get(key) as T | undefined;
  if (!f) cache.set(key, (f = make()));
  return f;
}

/** Formatters for intl-messageformat shared by every message (otherwise each compiled message builds its own). */
export const sharedMessageFormatters = {
  getNumberFormat: (locales?: string | string[], opts?: Intl.NumberFormatOptions) =>
    memo(`mf:n:${String(locales)}:${JSON.stringify(opts ?? {})}`, () => new Intl.NumberFormat(locales, opts)),
  getDateTimeFormat: (locales?: string | string[], opts?: Intl.DateTimeFormatOptions) =>
    memo(`mf:d:${String(locales)}:${JSON.stringify(opts ?? {})}`, () => new Intl.DateTimeFormat(locales, opts)),
  getPluralRules: (locales?: string | string[], opts?: Intl.PluralRulesOptions) =>
    memo(`mf:p:${String(locales)}:${JSON.stringify(opts ?? {})}`, () => new Intl.PluralRules(locales, opts)),
};

/** Euros from integer cents: fr "1 234 €", en "€1,234", nl "€ 1.234"; cents only when there are some ("1 234,50 €"). */
export function formatMoney(cents: number, locale: Locale): string {
  const whole = cents % 100 === 0;
  const digits = whole ? 0 : 2;
  return memo(
    `eur:${locale}:${digits}`,
    () => new Intl.NumberFormat(intlTagOf(locale), { style: 'currency', currency: 'EUR', minimumFractionDigits: digits, maximumFractionDigits: digits }),
  ).format(cents / 100);
}

/** A number with the language's separators; `maxDecimals` 0 for counts. */
export function formatNumber(n: number, locale: Locale, maxDecimals = 2): string {
  return memo(`num:${locale}:${maxDecimals}`, () => new Intl.NumberFormat(intlTagOf(locale), { maximumFractionDigits: maxDecimals })).format(n);
}

/** A file's size the way people read it: fr "240 ko", "1,2 Mo"; en "240 kB", "1.2 MB". */
export function formatFileSize(bytes: number, locale: Locale): string {
  const [unit, value] = bytes >= 1_000_000 ? ['megabyte', bytes / 1_000_000] : bytes >= 1_000 ? ['kilobyte', bytes / 1_000] : ['byte', bytes];
  return memo(
    `size:${locale}:${unit}`,
    () => new Intl.NumberFormat(intlTagOf(locale), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }),
  ).format(value as number);
}

/** A ratio as a percentage: fr "45 %", en "45%". */
export function formatPercent(ratio: number, locale: Locale, maxDecimals = 0): string {
  return memo(`pct:${locale}:${maxDecimals}`, () => new Intl.NumberFormat(intlTagOf(locale), { style: 'percent', maximumFractionDigits: maxDecimals })).format(
    ratio,
  );
}

/** A date and time in a time zone: "1 décembre 2026 à 09:00", "1 December 2026 at 09:00". */
export function formatInstant(at: Date, locale: Locale, timeZone: string): string {
  return memo(`dt:${locale}:${timeZone}`, () => new Intl.DateTimeFormat(intlTagOf(locale), { dateStyle: 'long', timeStyle: 'short', timeZone })).format(at);
}

/** From one instant to another, the shared parts written once: "2 décembre 2026, 18:00 – 19:30". */
export function formatInstantRange(from: Date, to: Date, locale: Locale, timeZone: string): string {
  return memo(`dt:${locale}:${timeZone}`, () => new Intl.DateTimeFormat(intlTagOf(locale), { dateStyle: 'long', timeStyle: 'short', timeZone })).formatRange(
    from,
    to,
  );
}

/** An instant for a list's cell, in a time zone: "2 déc. 2026, 01:06", "2 Dec 2026, 01:06". */
export function formatInstantShort(at: Date, locale: Locale, timeZone: string): string {
  return memo(`dts:${locale}:${timeZone}`, () => new Intl.DateTimeFormat(intlTagOf(locale), { dateStyle: 'medium', timeStyle: 'short', timeZone })).format(at);
}

/** A day in a time zone: "1 décembre 2026". */
export function formatDay(at: Date, locale: Locale, timeZone: string): string {
  return memo(`d:${locale}:${timeZone}`, () => new Intl.DateTimeFormat(intlTagOf(locale), { dateStyle: 'long', timeZone })).format(at);
}

/** "décembre 2026". */
export function formatMonth(at: Date, locale: Locale, timeZone: string): string {
  return memo(`m:${locale}:${timeZone}`, () => new Intl.DateTimeFormat(intlTagOf(locale), { month: 'long', year: 'numeric', timeZone })).format(at);
}

/** "a, b et c". */
export function formatList(items: string[], locale: Locale, type: 'conjunction' | 'disjunction' = 'conjunction'): string {
  return memo(`list:${locale}:${type}`, () => new Intl.ListFormat(intlTagOf(locale), { type })).format(items);
}

/** The plural category of a count ('one', 'other', ...), for code that picks a key by it. */
export function pluralCategory(n: number, locale: Locale): Intl.LDMLPluralRule {
  return memo(`pl:${locale}`, () => new Intl.PluralRules(intlTagOf(locale))).select(n);
}

/** The wall-clock value for an <input type="datetime-local"> in a time zone: "2026-09-01T09:00". */
export function toLocalInput(at: Date, timeZone: string): string {
  const f = memo(
    `input:${timeZone}`,
    () =>
      new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  );
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
