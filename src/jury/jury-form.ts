import type { Locale } from '../common/i18n/localized.js';
import { localizeProblems } from '../common/errors/validation.js';
import { fieldProblem, DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import type { ErrorMessages } from '../common/errors/error-messages.js';
import type { PageContext } from '../request-context/current.decorators.js';
import type { JurySettings } from './jury.settings.js';
import { scaleOf, type Scale } from './domain/index.js';
import { cleanLocalized } from '../common/i18n/localized.js';
import { formHasText, localizedFromForm } from '../common/web/language-fields.js';

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

/** The row numbers a form posted for `prefix` (`criteria.<i>.<field>`), in order. */
export function rowIndexes(body: Body_, prefix: string): number[] {
  const found = new Set<number>();
  const re = new RegExp(`^${prefix}\\.(\\d+)\\.`);
  for (const key of Object.keys(body)) {
    const m = re.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** A criterion's id from its label: lowercase ASCII, starting with a letter, unique among `taken`. */
export function criterionId(label: string, taken: Set<string>): string {
  let base = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 36)
    .replace(/_+$/, '');
  if (!base) base = 'criterion';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  taken.add(id);
  return id;
}

/**
 * The settings form back into the API's shape. Criteria and quotas are rows of fields
 * (`criteria.<i>.label.<lang>`, `.weight`, `.min`, `.max`, `.id` kept for a stored one, `.remove`;
 * `quotas.<i>.dimension`, `.group`, `.min`, `.remove`); a row left empty is ignored. Each criterion
 * and quota keeps its form row number in `rows`, so that a refused value is shown at its row.
 */
export function settingsFromForm(
  body: Body_,
  languages: readonly Locale[],
): { dto: Record<string, unknown>; problems: FieldProblem[]; criteriaRows: number[]; quotaRows: number[] } {
  const problems: FieldProblem[] = [];
  const defaultLang = languages[0];
  const criteriaRows: number[] = [];
  const kept = rowIndexes(body, 'criteria').filter((i) => body[`criteria.${i}.remove`] !== 'yes');
  const rows = kept
    .map((i) => ({ i, id: str(body[`criteria.${i}.id`]), label: localizedFromForm(body, `criteria.${i}.label`, languages) }))
    .filter((r) => r.id || formHasText(r.label));
  // Stored criteria keep their id; a new one gets its id from its label in the default language.
  const taken = new Set(rows.map((r) => r.id).filter(Boolean));
  const criteria = rows.map(({ i, id, label }) => {
    criteriaRows.push(i);
    const cleaned = cleanLocalized(label);
    if (!cleaned[defaultLang]) problems.push(fieldProblem(`criteria.${i}.label`, 'validation.required'));
    const text = (field: string) => str(body[`criteria.${i}.${field}`]);
    return {
      id: id || criterionId(cleaned[defaultLang] ?? Object.values(cleaned)[0] ?? '', taken),
      label: cleaned,
      weight: num(text('weight')) ?? 1,
      min: num(text('min')) ?? 0,
      max: num(text('max')) ?? 5,
    };
  });
  const quotaRows: number[] = [];
  const quotas = rowIndexes(body, 'quotas')
    .filter((i) => body[`quotas.${i}.remove`] !== 'yes' && str(body[`quotas.${i}.group`]))
    .map((i) => {
      quotaRows.push(i);
      return { dimension: str(body[`quotas.${i}.dimension`]) || 'category', group: str(body[`quotas.${i}.group`]), min: num(body[`quotas.${i}.min`]) ?? 1 };
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
  const cut = cutOffFromForm(str(body.cutOff), dto.method === 'scored_criteria' ? scaleOf(criteria) : null);
  if (cut.problem) problems.push(cut.problem);
  else if (cut.value !== undefined) dto.cutOff = cut.value;
  return { dto, problems, criteriaRows, quotaRows };
}

/**
 * The cut-off as staff type it, a mark on the criteria's scale: "12", "12,5" or "12 / 20" (the part
 * after the slash must be the scale's top, so that "3.5 / 5" is not taken for 3.5 on a 0–20 scale).
 */
export function cutOffFromForm(text: string, scale: Scale | null): { value?: number; problem?: FieldProblem } {
  if (!text) return {};
  const m = /^([^/]+?)\s*\/\s*([^/]+)$/.exec(text);
  if (!m) return { value: num(text) };
  const [value, outOf] = [num(m[1]), num(m[2])];
  if (scale && outOf !== undefined && Math.abs(outOf - scale.max) < 1e-9) return { value };
  return { problem: fieldProblem('cutOff', 'validation.cutOffOutOf', { max: scale?.max ?? '' }) };
}

/** What the cut-off field says about its units: a mark on the scale (scored criteria), the method's score otherwise. */
export function cutOffInfo(method: string, s: JurySettings) {
  const scale = method === 'scored_criteria' ? scaleOf(s.criteria) : null;
  return {
    scored: scale ? 'yes' : 'no',
    min: scale?.min ?? 0,
    max: scale?.max ?? 0,
    z: scale && s.normalisation === 'z_score' ? 'yes' : 'no',
    legacyZ: typeof s.cutOffZ === 'number' ? s.cutOffZ : null,
  };
}

/** A refused field of the API's shape (`criteria.1.weight`) renamed after its form row (`criteria.3.weight`). */
export function toFormRow(field: string, criteriaRows: number[], quotaRows: number[]): string {
  const m = /^(criteria|quotas)\.(\d+)(\..*)?$/.exec(field);
  if (!m) return field;
  const row = (m[1] === 'criteria' ? criteriaRows : quotaRows)[Number(m[2])];
  return row === undefined ? field : `${m[1]}.${row}${m[3] ?? ''}`;
}

export function settingsToForm(method: string, s: JurySettings): Record<string, string> {
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
  };
}
