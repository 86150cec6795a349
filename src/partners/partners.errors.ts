import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type PartnersErrorCode =
  'PARTNER_NOT_CONTACT' | 'MATCHING_NOT_RUN' | 'MATCHING_ALREADY_CONFIRMED' | 'MATCHING_UNKNOWN_PAIR' | 'PARTNER_UNKNOWN_IDS' | 'MATCHING_STALE';

export const partnersErrors: ErrorCatalogue<PartnersErrorCode> = {
  PARTNER_NOT_CONTACT: { status: 403 },
  MATCHING_NOT_RUN: { status: 409 },
  MATCHING_ALREADY_CONFIRMED: { status: 409 },
  MATCHING_UNKNOWN_PAIR: { status: 400 },
  PARTNER_UNKNOWN_IDS: { status: 400 },
  MATCHING_STALE: { status: 409 },
};

/** The codes src/partners/domain throws. */
export type PartnersDomainErrorCode =
  | 'MATCHING_INVALID_WEIGHT'
  | 'MATCHING_DUPLICATE_ID'
  | 'MATCHING_INVALID_SPONSORS_PER_LAUREATE'
  | 'MATCHING_INVALID_CAPACITY'
  | 'MATCHING_LOCK_UNKNOWN'
  | 'MATCHING_LOCK_FORBIDDEN'
  | 'MATCHING_LOCKS_EXCEED_CAPACITY'
  | 'MATCHING_LOCKS_EXCEED_SPONSORS_PER_LAUREATE';

export const partnersDomainErrors: ErrorCatalogue<PartnersDomainErrorCode> = {
  MATCHING_INVALID_WEIGHT: { status: 400 },
  MATCHING_DUPLICATE_ID: { status: 409 },
  MATCHING_INVALID_SPONSORS_PER_LAUREATE: { status: 400 },
  MATCHING_INVALID_CAPACITY: { status: 400 },
  MATCHING_LOCK_UNKNOWN: { status: 409 },
  MATCHING_LOCK_FORBIDDEN: { status: 409 },
  MATCHING_LOCKS_EXCEED_CAPACITY: { status: 409 },
  MATCHING_LOCKS_EXCEED_SPONSORS_PER_LAUREATE: { status: 409 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<PartnersErrorCode | PartnersDomainErrorCode, true> {}
}
