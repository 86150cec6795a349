import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type PeopleErrorCode =
  'GRANT_NOT_FOUND' | 'LAST_STAFF_GRANT' | 'OWN_STAFF_GRANT' | 'GRANT_REMOVAL_FORBIDDEN' | 'PERSON_WITHOUT_ACCESS' | 'INVITATION_TOO_SOON';

export const peopleErrors: ErrorCatalogue<PeopleErrorCode> = {
  GRANT_NOT_FOUND: { status: 404 },
  LAST_STAFF_GRANT: { status: 409 },
  OWN_STAFF_GRANT: { status: 409 },
  GRANT_REMOVAL_FORBIDDEN: { status: 403 },
  PERSON_WITHOUT_ACCESS: { status: 409 },
  INVITATION_TOO_SOON: { status: 429 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<PeopleErrorCode, true> {}
}
