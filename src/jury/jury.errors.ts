import type { ErrorCatalogue } from '../common/errors/domain-error.js';
import type { JuryDomainErrorCode } from './domain/errors.js';

export type JuryErrorCode =
  | 'JURY_NOT_CONFIGURED'
  | 'JURY_SETTINGS_LOCKED'
  | 'JURY_PHASE_REQUIRED'
  | 'JURY_NO_MEMBERS'
  | 'JURY_NO_APPLICATIONS'
  | 'JURY_VOTE_NOT_OPEN'
  | 'VOTE_CLOSED'
  | 'JURY_VOTE_NOT_CLOSED'
  | 'JURY_NOT_MEMBER'
  | 'JURY_APPLICATION_NOT_ASSIGNED'
  | 'JURY_CONFLICT_DECLARED'
  | 'JURY_CONFLICT_WITHDRAWAL_CLOSED'
  | 'JURY_WRONG_METHOD'
  | 'JURY_OVERRIDE_JUSTIFICATION_REQUIRED'
  | 'JURY_SELECTION_INVALID'
  | 'JURY_NOT_CONFIRMED'
  | 'JURY_ALREADY_ANNOUNCED'
  | 'JURY_NOT_ANNOUNCED'
  | 'JURY_CHANGES_CLOSED'
  | 'JURY_NOT_A_LAUREATE'
  | 'JURY_WAITING_LIST_EMPTY'
  | 'JURY_NO_OPEN_PLACE';

export const juryErrors: ErrorCatalogue<JuryErrorCode> = {
  JURY_NOT_CONFIGURED: { status: 409 },
  JURY_SETTINGS_LOCKED: { status: 409 },
  JURY_PHASE_REQUIRED: { status: 409 },
  JURY_NO_MEMBERS: { status: 409 },
  JURY_NO_APPLICATIONS: { status: 409 },
  JURY_VOTE_NOT_OPEN: { status: 409 },
  VOTE_CLOSED: { status: 409 },
  JURY_VOTE_NOT_CLOSED: { status: 409 },
  JURY_NOT_MEMBER: { status: 403 },
  JURY_APPLICATION_NOT_ASSIGNED: { status: 403 },
  JURY_CONFLICT_DECLARED: { status: 409 },
  JURY_CONFLICT_WITHDRAWAL_CLOSED: { status: 409 },
  JURY_WRONG_METHOD: { status: 409, labels: { method: 'jury.method' } },
  JURY_OVERRIDE_JUSTIFICATION_REQUIRED: { status: 400 },
  JURY_SELECTION_INVALID: { status: 400 },
  JURY_NOT_CONFIRMED: { status: 409 },
  JURY_ALREADY_ANNOUNCED: { status: 409 },
  JURY_NOT_ANNOUNCED: { status: 409 },
  JURY_CHANGES_CLOSED: { status: 409 },
  JURY_NOT_A_LAUREATE: { status: 409 },
  JURY_WAITING_LIST_EMPTY: { status: 409 },
  JURY_NO_OPEN_PLACE: { status: 409 },
};

/** The domain's own codes (src/jury/domain/errors.ts): a ballot or a setting that breaks a rule. */
export const juryDomainErrors: ErrorCatalogue<JuryDomainErrorCode> = {
  JUROR_DUPLICATE: { status: 409 },
  JUROR_WEIGHT_INVALID: { status: 400 },
  ASSIGNMENT_K_INVALID: { status: 400 },
  QUORUM_INVALID: { status: 400 },
  CRITERIA_INVALID: { status: 400 },
  BALLOT_DUPLICATE: { status: 409 },
  BALLOT_UNKNOWN_CRITERION: { status: 400 },
  BALLOT_CRITERION_MISSING: { status: 400 },
  BALLOT_SCORE_OUT_OF_SCALE: { status: 400 },
  FAVOURITES_MAX_INVALID: { status: 400 },
  BALLOT_TOO_MANY_FAVOURITES: { status: 409 },
  BALLOT_DUPLICATE_FAVOURITE: { status: 400 },
  BALLOT_DUPLICATE_RANK: { status: 400 },
  BALLOT_INVALID_COMPARISON: { status: 400 },
  PAIRWISE_OPTIONS_INVALID: { status: 400 },
  SELECTION_RULES_INVALID: { status: 400 },
  CANDIDATE_DUPLICATE: { status: 409 },
  CANDIDATE_SCORE_INVALID: { status: 409 },
  TIE_BREAK_KEY_MISSING: { status: 409 },
  TIE_BREAK_KEY_INVALID: { status: 409 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<JuryErrorCode | JuryDomainErrorCode, true> {}
}
