import type { EntityManager } from 'typeorm';
import type { RetentionPeriods } from './retention.js';

/**
 * The person a right is exercised for, within one authority: their account when they have one, and
 * the e-mail (trimmed, lower-cased) under which contributions, subscriptions and e-mails were kept.
 * `pseudonym` is what replaces their name wherever a row must stay (audit entries, accounts' totals).
 */
export interface DataSubject {
  tenantId: string;
  userId: string | null;
  emailKey: string;
  pseudonym: string;
  /** The names the person was known by (account, applications, contributions), for the holders that keep free text. */
  names: string[];
}

/** One part of a person's export: the rows of one kind of data, as plain JSON (no secrets). */
export interface PersonalDataSection {
  /** A stable key: the section's file name in the CSV archive and its key in the JSON export. */
  name: string;
  rows: Array<Record<string, unknown>>;
  /** Files the person handed in, named so that the export can add them. */
  files?: Array<{ id: string; name: string; contentType: string }>;
}

/** The columns of a table a holder takes care of (for the coverage test and the register). */
export interface PersonalColumns {
  table: string;
  columns: readonly string[];
}

/** What a retention pass found due (and removed, unless it was a dry run). */
export interface RetentionCount {
  kind: string;
  table: string;
  rows: number;
}

/**
 * A module's part in the rights of the people whose data it keeps (GDPR art. 15–17): it exports and
 * erases what its own tables hold about a person, and removes what its retention periods say is due.
 * Every method runs in the caller's transaction, so an erasure commits everywhere or nowhere.
 */
export interface PersonalDataHolder {
  readonly name: string;
  readonly covers: readonly PersonalColumns[];
  export(em: EntityManager, subject: DataSubject): Promise<PersonalDataSection[]>;
  /** Removes or pseudonymises the person's data; amounts, receipt numbers and counts stay exact. */
  erase(em: EntityManager, subject: DataSubject): Promise<RetentionCount[]>;
  /** What the periods make due at `now` (removed unless `dryRun`). */
  expire?(em: EntityManager, tenantId: string, periods: RetentionPeriods, now: Date, dryRun: boolean): Promise<RetentionCount[]>;
}

/** The address that replaces an erased person's e-mail: reserved by RFC 2606, never deliverable, unique. */
export function erasedEmail(subject: DataSubject): string {
  return `erased-${subject.pseudonym.replace(/[^0-9a-z]/gi, '').toLowerCase()}@invalid`;
}
