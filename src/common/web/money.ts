import { intlTagOf, memo } from '../i18n/format.js';
import type { Locale } from '../i18n/localized.js';
/**
 * The one parser of amounts typed into forms, in euros, to integer cents, and its inverse for the value
 * of an amount field. Pages keep their own messages; this says only what is wrong with the text.
 *
 * Accepted: "25", "25,50", "25.50", "25,5", "1 234,50 €", "€1,234.50", "1.234,50", "EUR 40". Spaces
 * (also the no-break spaces `Intl` puts in French numbers) group thousands anywhere. A "." or "," is
 * the decimal separator when one or two digits follow it; both may group thousands only when the other
 * one ends the amount ("1.234,50"), since "1.234" alone could be 1 234 € or 1,234 €.
 */

export type MoneyInputError =
  /** Nothing typed. */
  | 'empty'
  /** Not an amount ("abc", "5e3", "0x10", "12,34,56", "25,"). */
  | 'not_a_number'
  /** A minus sign. */
  | 'negative'
  /** More than two digits after the decimal separator ("25,555", and "1.234": write "1234" or "1 234"). */
  | 'too_many_decimals'
  /** More than 999 999 999 €. */
  | 'too_large';

export type MoneyInput = { ok: true; cents: number } | { ok: false; error: MoneyInputError };

const SPACES = /[\s\u00a0\u202f]/g;
const MAX_EURO_DIGITS = 9;

export function parseMoneyInput(raw: string): MoneyInput {
  let s = raw.replace(SPACES, '');
  s = s.replace(/(€|EUR)$/i, '').replace(/^(€|EUR)/i, '');
  if (!s) return { ok: false, error: raw.trim() ? 'not_a_number' : 'empty' };
  if (/^[-−]/.test(s)) return { ok: false, error: 'negative' };
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(s) ?? groupedWithDecimals(s);
  if (!m) return { ok: false, error: 'not_a_number' };
  const euros = m[1];
  const decimals = m[2] ?? '';
  if (decimals.length > 2) return { ok: false, error: 'too_many_decimals' };
  const digits = euros.replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_EURO_DIGITS) return { ok: false, error: 'too_large' };
  return { ok: true, cents: Number(digits) * 100 + (decimals ? Number(decimals.padEnd(2, '0')) : 0) };
}

/** "1.234.567,89" / "1,234,567.89": thousands grouped with the separator that is not the decimal one. */
function groupedWithDecimals(s: string): [string, string, string] | null {
  const m = /^(\d{1,3}(?:\.\d{3})+),(\d+)$/.exec(s) ?? /^(\d{1,3}(?:,\d{3})+)\.(\d+)$/.exec(s);
  return m ? [m[0], m[1].replace(/[.,]/g, ''), m[2]] : null;
}

/** Cents from what was typed; null when it is not an amount in euros (empty included). */
export function eurosToCents(raw: string): number | null {
  const r = parseMoneyInput(raw);
  return r.ok ? r.cents : null;
}

/**
 * Cents as the value of an amount field, in the page's language by its `Intl` tag ("25", fr "25,50",
 * en "25.50"), without grouping so that the parser above reads it back whatever the language.
 */
export function centsToInput(cents: number | null | undefined, locale: Locale): string {
  if (cents === null || cents === undefined) return '';
  const digits = cents % 100 === 0 ? 0 : 2;
  return memo(
    `input:${locale}:${digits}`,
    () => new Intl.NumberFormat(intlTagOf(locale), { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: false }),
  ).format(cents / 100);
}
