/**
 * How long each kind of personal data is kept, per authority. Periods are whole months counted from
 * the event that ends the data's purpose (its anchor); 0 means "at the anchor itself".
 */
export const RETENTION_KINDS = [
  'unselectedApplications',
  'laureateApplications',
  'juryNotes',
  'contributorContacts',
  'campaignSubscribers',
  'sentEmails',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** The event a period starts from. */
export type RetentionAnchor = 'results' | 'announcement' | 'settlement' | 'campaignOpening' | 'sending';

export const RETENTION_ANCHOR: Record<RetentionKind, RetentionAnchor> = {
  unselectedApplications: 'results',
  laureateApplications: 'results',
  juryNotes: 'announcement',
  contributorContacts: 'settlement',
  campaignSubscribers: 'campaignOpening',
  sentEmails: 'sending',
};

/** Defaults a French authority can keep: CNIL guidance for calls for projects and fundraising. */
export const DEFAULT_RETENTION_MONTHS: Record<RetentionKind, number> = {
  unselectedApplications: 12,
  laureateApplications: 60,
  juryNotes: 0,
  contributorContacts: 13,
  campaignSubscribers: 1,
  sentEmails: 12,
};

export const RETENTION_MONTHS_MAX = 120;

export type RetentionPeriods = Record<RetentionKind, number>;

/** The authority's periods, completed with the defaults for a kind it never set. */
export function retentionPeriods(stored: Partial<Record<string, unknown>> | null | undefined): RetentionPeriods {
  const out = { ...DEFAULT_RETENTION_MONTHS };
  for (const kind of RETENTION_KINDS) {
    const v = stored?.[kind];
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= RETENTION_MONTHS_MAX) out[kind] = v;
  }
  return out;
}

/** The instant data anchored at `anchor` is due for removal. */
export function dueAt(anchor: Date, months: number): Date {
  const d = new Date(anchor.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** Data anchored at `anchor` is due when its period has passed; the cut-off for a query is the reverse. */
export function anchorCutoff(now: Date, months: number): Date {
  return dueAt(now, -months);
}

/** A problem with one period typed by staff: its field (`retention.<kind>`), the validation key and its values. */
export interface RetentionProblem {
  field: string;
  key: string;
  values: Record<string, number>;
}

/**
 * Periods as typed in a form or sent to the API (numbers or digit strings, one per kind; a kind left
 * out keeps `current`). Whole months from 0 to RETENTION_MONTHS_MAX; anything else is a problem.
 */
export function checkRetention(input: Record<string, unknown>, current: RetentionPeriods): { periods: RetentionPeriods; problems: RetentionProblem[] } {
  const periods = { ...current };
  const problems: RetentionProblem[] = [];
  for (const kind of RETENTION_KINDS) {
    const raw = input[kind];
    if (raw === undefined) continue;
    const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : '';
    const field = `retention.${kind}`;
    if (!/^\d{1,4}$/.test(text)) problems.push({ field, key: 'validation.isInt', values: {} });
    else if (Number(text) > RETENTION_MONTHS_MAX) problems.push({ field, key: 'validation.max', values: { max: RETENTION_MONTHS_MAX } });
    else periods[kind] = Number(text);
  }
  return { periods, problems };
}
