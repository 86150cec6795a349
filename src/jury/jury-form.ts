import type { Locale } from '../common/i18n/localized.js';
import { localizeProblems } from '../common/errors/validation.js';
import { fieldProblem, DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import type { ErrorMessages } from '../common/errors/error-messages.js';
import type { PageContext } from '../request-context/current.decorators.js';
import type { JurySettings } from './jury.settings.js';

/** The jury pages' forms: submitted fields read as values, a change's error as the page's message, the settings form both ways. */

export type Body_ = Record<string, string | string[] | undefined>;
export const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
export const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
export const num = (v: unknown) => {
  const s = str(v).replace(',', '.');
  return s === '' ? undefined : Number(s);
};

/** Runs a change; a domain error becomes a message for the page (in its language) instead of an error page. */
export async function attempt(
  errors: ErrorMessages,
  page: PageContext,
  field: string,
  work: () => Promise<unknown>,
): Promise<{ status: number; error: FieldProblem; fieldErrors: FieldProblem[] } | null> {
  // Field errors are shown as such only for validation (they name the field); other codes get their sentence.
  try {
    await work();
    return null;
  } catch (err) {
    const desc = err instanceof DomainError ? errors.describe(err.code) : undefined;
    if (!(err instanceof DomainError) || !desc || ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'].includes(err.code)) throw err;
    const fieldErrors = err.code === 'VALIDATION_FAILED' ? localizeProblems(err.fieldErrors, page.locale) : [];
    return { status: desc.status, error: { field, message: errors.message(err, page.locale) }, fieldErrors };
  }
}

/** The settings form's text fields (criteria and quotas as lines) back into the API's shape. */
/**
 * Criteria are lines "id | label in each language (the authority's default first) | weight | min | max";
 * `languages` gives the label columns.
 */
export function settingsFromForm(body: Body_, languages: readonly Locale[]): { dto: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const lines = (s: unknown) =>
    str(s)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  const criteria = lines(body.criteria).map((l, i) => {
    const [id, ...rest] = l.split('|').map((x) => x.trim());
    const labels = rest.slice(0, languages.length);
    const [weight, min, max] = rest.slice(languages.length);
    if (!id || !labels[0])
      problems.push(fieldProblem('criteria', 'validation.lineFormat', { line: i + 1, format: `id | ${languages.join(' | ')} | weight | min | max` }));
    const label: Record<Locale, string> = {};
    languages.forEach((lang, n) => {
      if (labels[n]) label[lang] = labels[n];
    });
    return { id, label, weight: num(weight) ?? 1, min: num(min) ?? 0, max: num(max) ?? 5 };
  });
  const quotas = lines(body.quotas).map((l, i) => {
    const [dimension, group, min] = l.split('|').map((x) => x.trim());
    if (!dimension || !group) problems.push(fieldProblem('quotas', 'validation.lineFormat', { line: i + 1, format: 'category | group | minimum' }));
    return { dimension, group, min: num(min) ?? 1 };
  });
  const dto: Record<string, unknown> = {
    method: str(body.method),
    criteria,
    normalisation: body.normalisation === 'z_score' ? 'z_score' : 'none',
    quorum: num(body.quorum) ?? 1,
    maxFavourites: num(body.maxFavourites) ?? 10,
    blindReview: body.blindReview === 'yes',
    laureates: num(body.laureates) ?? 10,
    waitingList: num(body.waitingList) ?? 0,
    quotas,
  };
  if (num(body.jurorsPerApplication) !== undefined) dto.jurorsPerApplication = num(body.jurorsPerApplication);
  if (num(body.cutOff) !== undefined) dto.cutOff = num(body.cutOff);
  return { dto, problems };
}

export function settingsToForm(method: string, s: JurySettings, languages: readonly Locale[]): Record<string, string> {
  return {
    method,
    normalisation: s.normalisation,
    quorum: String(s.quorum),
    maxFavourites: String(s.maxFavourites),
    blindReview: s.blindReview ? 'yes' : '',
    jurorsPerApplication: s.jurorsPerApplication === null ? '' : String(s.jurorsPerApplication),
    laureates: String(s.laureates),
    waitingList: String(s.waitingList),
    cutOff: s.cutOff === null ? '' : String(s.cutOff),
    criteria: s.criteria.map((c) => [c.id, ...languages.map((l) => c.label[l] ?? ''), c.weight, c.min, c.max].join(' | ')).join('\n'),
    quotas: s.quotas.map((q) => `${q.dimension} | ${q.group} | ${q.min}`).join('\n'),
  };
}
