import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DomainError, type FieldProblem } from '../errors/domain-error.js';
import { fieldProblems } from '../errors/validation.js';

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

/** Field errors as a map for templates: {{errors.email}}. */
export function errorMap(errors: FieldProblem[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of errors) map[e.field] ??= e.message;
  return map;
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

/**
 * A per-language field of an HTML form (inputs named "title.fr", "title.en", …, see the
 * localized-field partial) as the Localized map the API takes. Only the authority's languages are read.
 */
export function localizedFromForm(body: Record<string, unknown>, name: string, languages: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lang of languages) {
    const value = body[`${name}.${lang}`];
    if (typeof value === 'string') out[lang] = value;
  }
  return out;
}

/** The error a per-language editor shows when the authority's default language is left empty. */
export function defaultLanguageProblem(value: Record<string, string>, field: string, defaultLocale: string, message: string): FieldProblem[] {
  return value[defaultLocale]?.trim() ? [] : [{ field, message }];
}
