import { sharedTranslations } from '../common/web/i18n.js';
import type { Locale } from '../common/i18n/localized.js';
import ExcelJS from 'exceljs';
import type { Application } from './application.entity.js';
import type { Call } from './call.entity.js';
import { failedRules, type RuleResult } from './domain/eligibility.js';
import { toCsv } from './domain/export.js';

type Row = { application: Application; rules: RuleResult[] };
type Labeller = (call: Call, a: Application, locale: Locale) => Array<{ key: string; label: string; value: string }>;

/** One line per application: stable column keys first (open-data friendly), then labelled answers. */
function table(call: Call, rows: Row[], label: Labeller, locale: Locale): { header: string[]; body: string[][] } {
  const sample = rows[0]
    ? label(call, rows[0].application, locale)
    : label(
        call,
        {
          title: '',
          summary: '',
          category: null,
          goalCents: null,
          commune: '',
          postcode: '',
          applicantName: '',
          organisation: '',
          email: '',
          phone: '',
          answers: {},
        } as unknown as Application,
        locale,
      );
  const header = ['receipt_number', 'status', 'screening', 'screening_reason', 'submitted_at', 'rules_failed', ...sample.map((c) => c.key)];
  const body = rows.map(({ application: a, rules }) => [
    a.receiptNumber ?? '',
    a.status,
    a.screening,
    a.screeningReason ?? '',
    a.submittedAt ? new Date(a.submittedAt).toISOString() : '',
    failedRules(rules)
      .map((r) => (r.rule === 'question' ? r.field.replace(/^answers\./, '') : r.rule))
      .join(' '),
    ...label(call, a, locale).map((c) => c.value),
  ]);
  return { header, body };
}

export function applicationsCsv(call: Call, rows: Row[], label: Labeller, locale: Locale): string {
  const { header, body } = table(call, rows, label, locale);
  return '\uFEFF' + toCsv(header, body);
}

export async function applicationsXlsx(call: Call, rows: Row[], label: Labeller, locale: Locale): Promise<Buffer> {
  const { header, body } = table(call, rows, label, locale);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sharedTranslations().t(locale, 'applicationsExport.sheet'));
  sheet.addRow(header).font = { bold: true };
  for (const r of body) sheet.addRow(r);
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  return Buffer.from(await book.xlsx.writeBuffer());
}
