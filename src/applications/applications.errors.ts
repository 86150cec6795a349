import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type ApplicationErrorCode =
  | 'CALL_NOT_DEFINED'
  | 'CALL_CLOSED'
  | 'APPLICATION_WITHDRAWN'
  | 'APPLICATION_ALREADY_SUBMITTED'
  | 'APPLICATION_ALREADY_SCREENED'
  | 'APPLICATION_NOT_SUBMITTED'
  | 'ONE_APPLICATION_PER_APPLICANT'
  | 'FORM_CHANGE_NOT_ALLOWED'
  | 'FILE_TYPE_NOT_ACCEPTED'
  | 'FILE_TOO_LARGE'
  | 'CONTACT_EMAIL_LINK_INVALID';

export const applicationErrors: ErrorCatalogue<ApplicationErrorCode> = {
  CALL_NOT_DEFINED: { status: 409 },
  CALL_CLOSED: { status: 409 },
  APPLICATION_WITHDRAWN: { status: 409 },
  APPLICATION_ALREADY_SUBMITTED: { status: 409 },
  APPLICATION_ALREADY_SCREENED: { status: 409 },
  APPLICATION_NOT_SUBMITTED: { status: 409 },
  ONE_APPLICATION_PER_APPLICANT: { status: 409 },
  FORM_CHANGE_NOT_ALLOWED: { status: 409 },
  FILE_TYPE_NOT_ACCEPTED: { status: 400 },
  CONTACT_EMAIL_LINK_INVALID: { status: 400 },
  FILE_TOO_LARGE: { status: 413 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<ApplicationErrorCode, true> {}
}
