import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError, type FieldProblem } from '../errors/domain-error.js';
import { fieldProblems, localizeProblems } from '../errors/validation.js';
import type { Locale } from './i18n.js';

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldProblem[] };

/**
 * Validates a submitted HTML form against the same DTO as the API, so that a page can show the
 * errors next to the fields and keep what was typed, instead of answering an error page.
 */
export function checkForm<T extends object>(cls: new () => T, body: unknown): FormResult<T> {
  const value = plainToInstance(cls, body ?? {}, { exposeDefaultValues: true });
  const errors = validateSync(value, { whitelist: true, forbidNonWhitelisted: false });
  return errors.length ? { ok: false, errors: fieldProblems(errors) } : { ok: true, value };
}

/** The problems each error map was made from, so that the page renders them in its language. */
const mapSources = new WeakMap<object, readonly FieldProblem[]>();

/** Field errors as a map for templates: {{errors.email}}. */
export function errorMap(errors: readonly FieldProblem[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of errors) map[e.field] ??= e.message;
  mapSources.set(map, errors);
  return map;
}

/**
 * A page's data with its field errors in the page's language: lists of field problems and the maps
 * errorMap made (`errors`, `phaseErrors`...) are rendered again from their catalogue keys. Pages
 * build them before they know which language the page is rendered in (checkForm, a service's refusal).
 */
export function fieldErrorsIn<T extends Record<string, unknown>>(data: T, locale: Locale): T {
  let out: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(data)) {
    if (!value || typeof value !== 'object') continue;
    const source = mapSources.get(value);
    let next: unknown;
    if (source) next = errorMap(localizeProblems(source, locale));
    else if (Array.isArray(value) && value.some((p) => (p as FieldProblem)?.key && typeof (p as FieldProblem).field === 'string'))
      next = localizeProblems(value, locale);
    else continue;
    (out ??= { ...data })[name] = next;
  }
  return (out ?? data) as T;
}

/** Runs an action that may fail with field errors (domain validation), returning them for the page. */
export async function withFieldErrors<T>(action: () => Promise<T>): Promise<FormResult<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (err) {
    if (err instanceof DomainError && err.fieldErrors.length) return { ok: false, errors: err.fieldErrors };
    throw err;
  }
}

export { localizedFromForm } from './language-fields.js';

/** The error a per-language editor shows when the authority's default language is left empty. */
export function defaultLanguageProblem(value: Record<string, string>, field: string, defaultLocale: string, message: string): FieldProblem[] {
  return value[defaultLocale]?.trim() ? [] : [{ field, message }];
}
