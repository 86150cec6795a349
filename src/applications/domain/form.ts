import { fieldProblem, type FieldProblem } from '../../common/errors/domain-error.js';
import { cleanLocalized, type Localized } from '../../common/i18n/localized.js';

/** The kinds of custom question a call's form may ask, besides the fixed fields. */
export const QUESTION_KINDS = ['short_text', 'long_text', 'number', 'single_choice', 'multiple_choice', 'yes_no', 'url', 'file'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export interface ChoiceOption {
  key: string;
  label: Localized;
}

export interface Question {
  key: string;
  kind: QuestionKind;
  label: Localized;
  help?: Localized;
  required: boolean;
  /** short_text (default 200) and long_text (default 5000). */
  maxLength?: number;
  /** number */
  min?: number;
  max?: number;
  /** single_choice, multiple_choice */
  options?: ChoiceOption[];
  /** file: bytes (default 5 MB) and accepted families. */
  maxSizeBytes?: number;
  accept?: Array<'pdf' | 'image'>;
}

export type AnswerValue = string | number | boolean | string[] | null;
export type Answers = Record<string, AnswerValue>;

export const DEFAULT_SHORT = 200;
export const DEFAULT_LONG = 5000;
export const DEFAULT_FILE_BYTES = 5 * 1024 * 1024;

/** A form definition's own consistency (keys unique and well formed, options for choices, ranges in order). */
export function checkFormDefinition(questions: Question[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  questions.forEach((q, i) => {
    const at = `form.${i}`;
    if (!/^[a-z][a-z0-9_]{0,40}$/.test(q.key)) problems.push(fieldProblem(`${at}.key`, 'validation.keyFormatLetter'));
    // Object keys that JavaScript tooling treats specially would be dropped from answers.
    if (['prototype', 'constructor', '__proto__'].includes(q.key)) problems.push(fieldProblem(`${at}.key`, 'validation.reservedKey', { key: q.key }));
    if (seen.has(q.key)) problems.push(fieldProblem(`${at}.key`, 'validation.keyTwice', { key: q.key }));
    seen.add(q.key);
    if (!QUESTION_KINDS.includes(q.kind)) problems.push(fieldProblem(`${at}.kind`, 'validation.isIn', { values: QUESTION_KINDS.join(', ') }));
    if ((q.kind === 'single_choice' || q.kind === 'multiple_choice') && !q.options?.length) {
      problems.push(fieldProblem(`${at}.options`, 'validation.needsOptions'));
    }
    const optionKeys = new Set<string>();
    for (const o of q.options ?? []) {
      if (optionKeys.has(o.key)) problems.push(fieldProblem(`${at}.options`, 'validation.optionTwice', { key: o.key }));
      optionKeys.add(o.key);
    }
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) problems.push(fieldProblem(`${at}.max`, 'validation.maxBelowMin'));
  });
  return problems;
}

/**
 * Checks answers against the form. On a draft only what was given is checked for its type and
 * limits (so nothing typed is refused for being incomplete); on submit, required answers must exist.
 * Files are answered by the id of an uploaded file (checked by the caller against stored files).
 */
export function validateAnswers(questions: Question[], answers: Answers, mode: 'draft' | 'submit'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const byKey = new Map(questions.map((q) => [q.key, q]));
  for (const key of Object.keys(answers)) {
    if (!byKey.has(key)) problems.push({ field: `answers.${key}`, message: 'is not a question of this form' });
  }
  for (const q of questions) {
    const field = `answers.${q.key}`;
    const v = answers[q.key];
    const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (mode === 'submit' && q.required && q.kind !== 'yes_no') problems.push({ field, message: 'is required' });
      if (mode === 'submit' && q.required && q.kind === 'yes_no') problems.push({ field, message: 'please answer yes or no' });
      continue;
    }
    const problem = checkValue(q, v);
    if (problem) problems.push({ field, message: problem });
  }
  return problems;
}

function checkValue(q: Question, v: AnswerValue): string | undefined {
  switch (q.kind) {
    case 'short_text':
    case 'long_text': {
      if (typeof v !== 'string') return 'must be text';
      const max = q.maxLength ?? (q.kind === 'short_text' ? DEFAULT_SHORT : DEFAULT_LONG);
      return v.length > max ? `must be at most ${max} characters (now ${v.length})` : undefined;
    }
    case 'number': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
      if (!Number.isFinite(n)) return 'must be a number';
      if (q.min !== undefined && n < q.min) return `must be at least ${q.min}`;
      if (q.max !== undefined && n > q.max) return `must be at most ${q.max}`;
      return undefined;
    }
    case 'single_choice':
      return typeof v === 'string' && q.options?.some((o) => o.key === v) ? undefined : 'must be one of the proposed choices';
    case 'multiple_choice':
      return Array.isArray(v) && v.every((x) => q.options?.some((o) => o.key === x)) && new Set(v).size === v.length
        ? undefined
        : 'must be among the proposed choices';
    case 'yes_no':
      return typeof v === 'boolean' ? undefined : 'must be yes or no';
    case 'url':
      return typeof v === 'string' && isHttpUrl(v) ? undefined : 'must be a web address starting with http:// or https://';
    case 'file':
      return typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? undefined : 'must be an uploaded file';
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && s.length <= 2000;
  } catch {
    return false;
  }
}

/** Normalises a raw HTML form value for a question (checkboxes, numbers, yes/no radios). */
export function coerceFormValue(q: Question, raw: unknown): AnswerValue {
  if (raw === undefined || raw === null) return q.kind === 'multiple_choice' ? [] : null;
  switch (q.kind) {
    case 'number': {
      const s = String(raw).trim().replace(',', '.');
      return s === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s;
    }
    case 'yes_no':
      return raw === 'yes' || raw === true ? true : raw === 'no' || raw === false ? false : null;
    case 'multiple_choice':
      return Array.isArray(raw) ? raw.map(String) : [String(raw)];
    default:
      return typeof raw === 'string' ? raw.trim() : (raw as AnswerValue);
  }
}

/**
 * Once the call is open, a form may only change in ways that keep every submitted application
 * valid: new questions must be optional, constraints may only relax, nothing may be removed or
 * change kind. Returns what the change would break.
 */
export function checkFormChange(before: Question[], after: Question[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const next = new Map(after.map((q) => [q.key, q]));
  for (const old of before) {
    const q = next.get(old.key);
    const field = `form.${old.key}`;
    if (!q) {
      problems.push(fieldProblem(field, 'validation.openCall', { change: 'removed' }));
      continue;
    }
    if (q.kind !== old.kind) problems.push(fieldProblem(field, 'validation.openCall', { change: 'kind' }));
    if (q.required && !old.required) problems.push(fieldProblem(field, 'validation.openCall', { change: 'required' }));
    const oldMax = old.maxLength ?? (old.kind === 'short_text' ? DEFAULT_SHORT : DEFAULT_LONG);
    const newMax = q.maxLength ?? (q.kind === 'short_text' ? DEFAULT_SHORT : DEFAULT_LONG);
    if ((q.kind === 'short_text' || q.kind === 'long_text') && newMax < oldMax)
      problems.push(fieldProblem(field, 'validation.openCall', { change: 'maxLength' }));
    if (q.min !== undefined && (old.min === undefined || q.min > old.min)) problems.push(fieldProblem(field, 'validation.openCall', { change: 'min' }));
    if (q.max !== undefined && (old.max === undefined || q.max < old.max)) problems.push(fieldProblem(field, 'validation.openCall', { change: 'max' }));
    for (const o of old.options ?? []) {
      if (!q.options?.some((n) => n.key === o.key)) problems.push(fieldProblem(field, 'validation.openCallOption', { key: o.key }));
    }
    if (q.kind === 'file') {
      if ((q.maxSizeBytes ?? DEFAULT_FILE_BYTES) < (old.maxSizeBytes ?? DEFAULT_FILE_BYTES))
        problems.push(fieldProblem(field, 'validation.openCall', { change: 'fileSize' }));
      const oldAccept = old.accept ?? ['pdf', 'image'];
      if (oldAccept.some((a) => !(q.accept ?? ['pdf', 'image']).includes(a)))
        problems.push(fieldProblem(field, 'validation.openCall', { change: 'fileTypes' }));
    }
  }
  for (const q of after) {
    if (!before.some((b) => b.key === q.key) && q.required) {
      problems.push(fieldProblem(`form.${q.key}`, 'validation.openCall', { change: 'newRequired' }));
    }
  }
  return problems;
}

/** A form as stored: labels, help and option labels trimmed, empty languages dropped. */
export function cleanForm(questions: Question[]): Question[] {
  return questions.map((q) => {
    const out: Question = { ...q, label: cleanLocalized(q.label) };
    if (q.help !== undefined) out.help = cleanLocalized(q.help);
    if (q.options) out.options = q.options.map((o) => ({ key: o.key, label: cleanLocalized(o.label) }));
    return out;
  });
}
