import { DomainError, type ErrorCode, type FieldProblem } from '../errors/domain-error.js';
import type { ErrorMessages } from '../errors/error-messages.js';
import { fieldLabel, localizeProblems } from '../errors/validation.js';
import { errorMap } from './forms.js';
import type { Locale } from './i18n.js';

/** Field errors as a page shows them: next to each field (`errors.<field>`) and in the summary at the top. */
export interface PageErrors {
  /** The code's HTTP status (from the catalogue): the page is answered with it. */
  status: number;
  errors: Record<string, string>;
  errorList: FieldProblem[];
}

/** How one page shows the domain errors of its form. */
export interface PageErrorRules {
  locale: Locale;
  /** Codes shown next to a given field of the form, e.g. `{ TENANT_SLUG_TAKEN: 'slug' }`. */
  fields?: Partial<Record<ErrorCode, string>>;
  /**
   * Where any other code the catalogue knows is shown (the form's main field, or the one the action
   * is about). Without it, such an error is thrown on (the error page).
   */
  otherwise?: string;
  /**
   * Whether the error's own field problems (from validation) are shown rather than its message;
   * by default whenever it has some.
   */
  showsFieldProblems?: (err: DomainError) => boolean;
  /** A field problem as this page shows it (moved to another field, reworded); as it came by default. */
  fieldProblem?: (problem: FieldProblem, err: DomainError) => FieldProblem;
  /** The message of a code shown on a field; the catalogue's, in the page's language, by default. */
  message?: (err: DomainError) => string;
}

/** Not a form's mistake: the error page (or the sign-in redirect) says these better than a field. */
const NEVER_ON_A_FIELD: ReadonlySet<string> = new Set(['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED']);

/** Field problems (from checkForm, say) as the page shows them. */
export function fieldErrorsView(errorList: FieldProblem[]): Pick<PageErrors, 'errors' | 'errorList'> {
  return { errors: errorMap(errorList), errorList };
}

/**
 * A DomainError as the field errors of a page, in the page's language; anything else (another
 * exception, a code the rules do not place, not found, forbidden, signed out) is thrown on for the
 * problem filter to answer.
 */
export function pageErrors(catalogue: ErrorMessages, err: unknown, rules: PageErrorRules): PageErrors {
  if (!(err instanceof DomainError)) throw err;
  const desc = catalogue.describe(err.code);
  if (!desc) throw err;
  const field = rules.fields?.[err.code];
  if (!field && NEVER_ON_A_FIELD.has(err.code)) throw err;
  const message = () => (rules.message ? rules.message(err) : catalogue.message(err, rules.locale));
  let errorList: FieldProblem[];
  if (field) {
    errorList = [{ field, message: message() }];
  } else if (err.fieldErrors.length && (rules.showsFieldProblems?.(err) ?? true)) {
    const problems = localizeProblems(err.fieldErrors, rules.locale);
    errorList = rules.fieldProblem ? problems.map((p) => rules.fieldProblem!(p, err)) : problems;
  } else if (rules.otherwise) {
    errorList = [{ field: rules.otherwise, message: message() }];
  } else {
    throw err;
  }
  return { status: desc.status, ...fieldErrorsView(errorList) };
}

/** Runs a page's action; a DomainError the rules place becomes the page's field errors, null when it succeeded. */
export async function attemptOnPage(catalogue: ErrorMessages, rules: PageErrorRules, work: () => Promise<unknown>): Promise<PageErrors | null> {
  try {
    await work();
    return null;
  } catch (err) {
    return pageErrors(catalogue, err, rules);
  }
}

/**
 * Every error of an action on the one field (or summary anchor) it is about; the problems of a failed
 * validation name their own field in the message ("plan: must be an array").
 */
export function onOneField(locale: Locale, field: string): PageErrorRules {
  return {
    locale,
    otherwise: field,
    showsFieldProblems: (err) => err.code === 'VALIDATION_FAILED',
    // The problem's field by its label; a message rendered from the catalogue already names it.
    fieldProblem: (problem) => ({ field, message: problem.key ? problem.message : `${fieldLabel(problem.field, locale)}: ${problem.message}` }),
  };
}
