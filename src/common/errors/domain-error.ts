import type { MessageValues } from '../i18n/message.js';

/** What is wrong with one field of a request: the field, the sentence to show and its catalogue key. */
export interface FieldProblem {
  field: string;
  /** The sentence people read; rendered again in the reader's language when `key` is set. */
  message: string;
  /** The catalogue key of the message (`validation.isLength`, `validation.slugFormat`) and its values. */
  key?: string;
  values?: MessageValues;
  /** A class-validator rule the catalogue has no key for (the message is class-validator's English). */
  rule?: string;
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

/** How a field problem's first message is written (English, from the catalogues), registered once they load. */
let firstMessage: ((p: FieldProblem) => string) | undefined;
export function writeFieldProblemsWith(render: (p: FieldProblem) => string): void {
  firstMessage = render;
}

/**
 * A field problem that services and domain code find themselves (not a DTO rule): a catalogue key and
 * its values; the message is rendered again in the reader's language on its way out (API, page).
 */
export function fieldProblem(field: string, key: string, values: MessageValues = {}): FieldProblem {
  const p: FieldProblem = { field, message: key, key, values };
  return firstMessage ? { ...p, message: firstMessage(p) } : p;
}

/** A rule of the domain was broken. Plain TypeScript: domain/ code throws it without knowing about HTTP. */
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

/**
 * How an error code is shown: its HTTP status; its message is `error.<CODE>` in each language's
 * catalogue (ICU, placeholders from the details). `labels` names the details that are codes (a phase,
 * a status) and the catalogue prefix of their labels: `{ to: 'phase' }` shows `to: 'jury'` as `phase.jury`.
 */
export interface ErrorDescription {
  status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 503;
  labels?: Readonly<Record<string, string>>;
}

export type ErrorCatalogue<Code extends string> = Record<Code, ErrorDescription>;
