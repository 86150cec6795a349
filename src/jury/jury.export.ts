import { localizedText, type Locale } from '../common/i18n/localized.js';
import { sharedTranslations } from '../common/web/i18n.js';
import ExcelJS from 'exceljs';
import type { Application } from '../applications/application.entity.js';
import { toCsv } from '../applications/domain/export.js';
import { compareIds, type JuryMethod } from './domain/index.js';
import type { Jury, JuryBallot, JuryComparison, JuryMember } from './jury.entity.js';
import type { JurySettings } from './jury.settings.js';

export interface ExportData {
  jury: Jury;
  settings: JurySettings;
  members: JuryMember[];
  ballots: JuryBallot[];
  comparisons: JuryComparison[];
  apps: Application[];
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

/**
 * Pseudonyms J01, J02... in member-id order: ids are random, so the order says nothing about who
 * was invited first, and the same export twice gives the same pseudonyms.
 */
function pseudonyms(members: JuryMember[]): Map<string, string> {
  const ids = members.map((m) => m.id).sort(compareIds);
  const width = Math.max(2, String(ids.length).length);
  return new Map(ids.map((id, i) => [id, `J${String(i + 1).padStart(width, '0')}`]));
}

/** One line per counted ballot item; no name, organisation or comment that could tell who voted. */
export function anonymisedBallotsCsv(d: ExportData): string {
  const alias = pseudonyms(d.members);
  const receipt = new Map(d.apps.map((a) => [a.id, a.receiptNumber ?? a.id]));
  const method: JuryMethod = d.jury.method;
  const sortKey = (x: { memberId: string }) => alias.get(x.memberId) ?? '';
  if (method === 'pairwise') {
    const rows = [...d.comparisons]
      .sort((a, b) => compareIds(sortKey(a), sortKey(b)) || compareIds(a.firstId, b.firstId) || compareIds(a.secondId, b.secondId))
      .map((c) => [alias.get(c.memberId) ?? '', receipt.get(c.winnerId) ?? '', receipt.get(c.winnerId === c.firstId ? c.secondId : c.firstId) ?? '']);
    return '\uFEFF' + toCsv(['juror', 'preferred', 'over'], rows);
  }
  const criteria = d.settings.criteria.map((c) => c.id);
  const header = ['juror', 'application', ...(method === 'scored_criteria' ? criteria : method === 'favourites' ? ['favourite'] : ['rank'])];
  const counted = d.ballots.filter((b) => (method === 'scored_criteria' ? !!b.scores : method === 'favourites' ? b.picked : b.rank !== null));
  const rows = counted
    .map((b) => [
      alias.get(b.memberId) ?? '',
      receipt.get(b.applicationId) ?? '',
      ...(method === 'scored_criteria' ? criteria.map((c) => num(b.scores?.[c])) : method === 'favourites' ? ['1'] : [num(b.rank)]),
    ])
    .sort((a, b) => compareIds(a[0], b[0]) || compareIds(a[1], b[1]));
  return '\uFEFF' + toCsv(header, rows);
}

/** Every evaluation: one line per juror, application and criterion (or pick, rank, comparison), with the comment. */
function evaluationTable(d: ExportData, locale: Locale): { header: string[]; body: string[][] } {
  // A file for people (staff open it in a spreadsheet): its headers and words in the staff member's language.
  const w = (key: string, values?: Record<string, unknown>) => sharedTranslations().t(locale, `juryExport.${key}`, values);
  const header = ['juror', 'organisation', 'weight', 'application', 'title', 'criterion', 'value', 'comment', 'updatedAt'].map((c) => w(c));
  const member = new Map(d.members.map((m) => [m.id, m]));
  const app = new Map(d.apps.map((a) => [a.id, a]));
  const who = (id: string) => {
    const m = member.get(id);
    return [m?.displayName ?? '', m?.organisation ?? '', num(m?.weight)];
  };
  const what = (id: string) => [app.get(id)?.receiptNumber ?? id, app.get(id)?.title ?? ''];
  const body: string[][] = [];
  const ballots = [...d.ballots].sort(
    (a, b) =>
      compareIds(member.get(a.memberId)?.displayName ?? '', member.get(b.memberId)?.displayName ?? '') ||
      compareIds(a.memberId, b.memberId) ||
      compareIds(what(a.applicationId)[0], what(b.applicationId)[0]),
  );
  for (const b of ballots) {
    const at = new Date(b.updatedAt).toISOString();
    if (d.jury.method === 'scored_criteria' && b.scores) {
      for (const c of d.settings.criteria) {
        body.push([...who(b.memberId), ...what(b.applicationId), localizedText(c.label, locale) || c.id, num(b.scores[c.id]), b.comment, at]);
      }
    } else if (d.jury.method === 'favourites' && b.picked) {
      body.push([...who(b.memberId), ...what(b.applicationId), w('favourite'), '1', b.comment, at]);
    } else if (d.jury.method === 'borda' && b.rank !== null) {
      body.push([...who(b.memberId), ...what(b.applicationId), w('rank'), num(b.rank), b.comment, at]);
    } else if (b.comment) {
      body.push([...who(b.memberId), ...what(b.applicationId), w('comment'), '', b.comment, at]);
    }
  }
  for (const c of d.comparisons) {
    const loser = c.winnerId === c.firstId ? c.secondId : c.firstId;
    body.push([...who(c.memberId), ...what(c.winnerId), w('preferredTo', { other: what(loser)[0] }), '1', '', new Date(c.updatedAt).toISOString()]);
  }
  return { header, body };
}

export function evaluationsCsv(d: ExportData, locale: Locale): string {
  const { header, body } = evaluationTable(d, locale);
  return '\uFEFF' + toCsv(header, body);
}

export async function evaluationsXlsx(d: ExportData, locale: Locale): Promise<Buffer> {
  const { header, body } = evaluationTable(d, locale);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sharedTranslations().t(locale, 'juryExport.sheet'));
  sheet.addRow(header).font = { bold: true };
  for (const r of body) sheet.addRow(r);
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await book.xlsx.writeBuffer());
}
