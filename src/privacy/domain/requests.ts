import { dueAt } from '../../common/privacy/retention.js';

/** The GDPR's answer time (art. 12.3): one month from the request. */
export const ANSWER_MONTHS = 1;
/** An e-mailed link to one's data works for a day, like a sign-in link that gives access to files. */
export const PRIVACY_LINK_TTL_MS = 24 * 3600_000;

export function answerDueAt(requestedAt: Date): Date {
  return dueAt(requestedAt, ANSWER_MONTHS);
}

/** A short pseudonym, readable in an audit line ("#7F3A9C21"), random: it cannot be recomputed from the person. */
export function pseudonymFrom(random: Buffer): string {
  return `#${random.subarray(0, 4).toString('hex').toUpperCase()}`;
}

/** Days left before the deadline (negative when late), counted in whole days. */
export function daysLeft(due: Date, now: Date): number {
  return Math.ceil((due.getTime() - now.getTime()) / 86_400_000);
}

/** One CSV file per section of an export: its columns are the union of its rows' keys, values as text. */
export function sectionCsv(rows: Array<Record<string, unknown>>): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string => {
    const text = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replace(/"/g, '""')}"` : text;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\r\n') + '\r\n';
}
