import type { Locale } from '../i18n/localized.js';
/** A rule of the domain was broken. Plain TypeScript: domain/ code throws it without knowing about HTTP. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * Every error code, one key per code, filled by declaration merging: each module's `<module>.errors.ts`
 * adds its code union (`interface ErrorCodes extends Record<XErrorCode, true> {}`), so that a code no
 * module declares (a typo) does not compile where it is thrown, and the catalogue assembled at the app
 * root must map every one of them. Common's own codes are in `common.errors.ts`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ErrorCodes {}

export type ErrorCode = keyof ErrorCodes & string;

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details: Record<string, unknown> = {},
    readonly fieldErrors: FieldProblem[] = [],
  ) {
    super(code);
    this.name = 'DomainError';
  }
}

/** How an error code is shown: HTTP status and a message in each language ({name} placeholders from details). */
export interface ErrorDescription {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;
  en: string;
  fr: string;
}

export type ErrorCatalogue<Code extends string> = Record<Code, ErrorDescription>;

export function describeMessage(desc: ErrorDescription, locale: Locale, details: Record<string, unknown>): string {
  // A detail that is missing leaves no raw `{key}` behind: the sentence reads on without it.
  return ((desc as unknown as Record<string, string>)[locale] ?? desc.en)
    .replace(/\{(\w+)\}/g, (_, k: string) => (details[k] === undefined ? '' : String(details[k])))
    .replace(/\(\s*\)/g, '')
    .replace(/\s+([.,;:!?)])/g, '$1')
    .replace(/\s{2,}/g, ' ')
    .trim();
}
