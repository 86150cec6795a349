import { DomainError } from '../../common/errors/domain-error.js';

/**
 * Every code the jury's domain rules throw, in one list so that the module's error catalogue
 * (`ErrorCatalogue<JuryDomainErrorCode>`) can map each to a status and a message, checked by the compiler.
 */
export const JURY_DOMAIN_ERROR_CODES = [
  'JUROR_DUPLICATE',
  'JUROR_WEIGHT_INVALID',
  'ASSIGNMENT_K_INVALID',
  'QUORUM_INVALID',
  'CRITERIA_INVALID',
  'BALLOT_DUPLICATE',
  'BALLOT_UNKNOWN_CRITERION',
  'BALLOT_CRITERION_MISSING',
  'BALLOT_SCORE_OUT_OF_SCALE',
  'FAVOURITES_MAX_INVALID',
  'BALLOT_TOO_MANY_FAVOURITES',
  'BALLOT_DUPLICATE_FAVOURITE',
  'BALLOT_DUPLICATE_RANK',
  'BALLOT_INVALID_COMPARISON',
  'PAIRWISE_OPTIONS_INVALID',
  'SELECTION_RULES_INVALID',
  'CANDIDATE_DUPLICATE',
  'CANDIDATE_SCORE_INVALID',
  'TIE_BREAK_KEY_MISSING',
  'TIE_BREAK_KEY_INVALID',
] as const;
export type JuryDomainErrorCode = (typeof JURY_DOMAIN_ERROR_CODES)[number];

/** Typed so that a code not in the list above is a compile error where it is thrown. */
export function juryError(code: JuryDomainErrorCode, details: Record<string, unknown> = {}): DomainError {
  return new DomainError(code, details);
}
