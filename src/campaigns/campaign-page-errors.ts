import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import type { ErrorMessages } from '../common/errors/error-messages.js';
import { localizeProblems } from '../common/errors/validation.js';
import type { Locale } from '../common/web/i18n.js';

/**
 * Where the campaign pages put a domain error: the answer's status and the field the message goes next
 * to, per form. One table for the citizens' forms; the editor's and staff's forms take the catalogue's
 * status and the field errors the error carries (`problemOf`). Errors not listed are not the person's
 * to fix: they go to the global filter.
 */
const PLACES: Record<'contribute' | 'notify', Partial<Record<string, { status: number; field: string }>>> = {
  contribute: {
    RATE_LIMITED: { status: 429, field: 'contribute' },
    REWARD_SOLD_OUT: { status: 409, field: 'rewardTierId' },
    CONTRIBUTION_WINDOW_NOT_OPEN: { status: 409, field: 'window' },
    CONTRIBUTION_WINDOW_CLOSED: { status: 409, field: 'window' },
    CAMPAIGN_NOT_LIVE: { status: 409, field: 'window' },
  },
  notify: {
    RATE_LIMITED: { status: 429, field: 'notifyEmail' },
    SUBSCRIBE_CLOSED: { status: 409, field: 'window' },
  },
};

/** The catalogue's message for an error, in the page's language (its code when it has none). */
export function messageOf(errors: ErrorMessages, locale: Locale, err: DomainError): string {
  return errors.message(err, locale);
}

/** An error of a citizens' form as one message next to its field; null when the form does not place it. */
export function placeOnForm(
  errors: ErrorMessages,
  form: 'contribute' | 'notify',
  locale: Locale,
  err: unknown,
): { status: number; errors: FieldProblem[] } | null {
  if (!(err instanceof DomainError)) return null;
  const place = PLACES[form][err.code];
  return place ? { status: place.status, errors: [{ field: place.field, message: messageOf(errors, locale, err) }] } : null;
}

/**
 * A domain error as messages for the editor's and staff's forms (in the page's language): its own field
 * errors, else one message on `field`. Not found and access errors, and anything unknown, are rethrown.
 */
export function problemOf(errors: ErrorMessages, locale: Locale, err: unknown, field: string): { status: number; errors: FieldProblem[] } {
  const desc = err instanceof DomainError ? errors.describe(err.code) : undefined;
  if (!(err instanceof DomainError) || !desc || ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'].includes(err.code)) throw err;
  const status = desc.status;
  if (err.fieldErrors.length) return { status, errors: localizeProblems(err.fieldErrors, locale) };
  return { status, errors: [{ field, message: messageOf(errors, locale, err) }] };
}
