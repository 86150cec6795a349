import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type PartnersErrorCode =
  'PARTNER_NOT_CONTACT' | 'MATCHING_NOT_RUN' | 'MATCHING_ALREADY_CONFIRMED' | 'MATCHING_UNKNOWN_PAIR' | 'PARTNER_UNKNOWN_IDS' | 'MATCHING_STALE';

export const partnersErrors: ErrorCatalogue<PartnersErrorCode> = {
  PARTNER_NOT_CONTACT: {
    status: 403,
    en: 'You are not a contact of a partner of this programme.',
    fr: "Vous n'êtes contact d'aucun partenaire de ce programme.",
  },
  MATCHING_NOT_RUN: { status: 409, en: 'Run the matching first.', fr: "Lancez d'abord l'appariement." },
  MATCHING_ALREADY_CONFIRMED: {
    status: 409,
    en: 'The matching is confirmed: it can no longer change.',
    fr: "L'appariement est confirmé : il ne peut plus changer.",
  },
  MATCHING_UNKNOWN_PAIR: {
    status: 400,
    en: 'This laureate or partner is not part of the programme.',
    fr: 'Ce lauréat ou ce partenaire ne fait pas partie du programme.',
  },
  PARTNER_UNKNOWN_IDS: {
    status: 400,
    en: 'Some of the ranked ids are not part of this programme: {ids}.',
    fr: 'Certains identifiants classés ne font pas partie de ce programme : {ids}.',
  },
  MATCHING_STALE: {
    status: 409,
    en: 'Profiles, locks or weights changed since the last run: run the matching again before confirming.',
    fr: "Les profils, verrous ou pondérations ont changé depuis le dernier calcul : relancez l'appariement avant de confirmer.",
  },
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
  MATCHING_INVALID_WEIGHT: { status: 400, en: 'The weight {name} must be a number.', fr: 'La pondération {name} doit être un nombre.' },
  MATCHING_DUPLICATE_ID: { status: 409, en: 'A {kind} appears twice in the matching.', fr: "Un {kind} apparaît deux fois dans l'appariement." },
  MATCHING_INVALID_SPONSORS_PER_LAUREATE: {
    status: 400,
    en: 'Sponsors per laureate must be a whole number, at least 1.',
    fr: 'Le nombre de parrains par lauréat doit être un entier, au moins 1.',
  },
  MATCHING_INVALID_CAPACITY: {
    status: 400,
    en: 'A partner capacity must be a whole number, 0 or more.',
    fr: "La capacité d'un partenaire doit être un entier positif ou nul.",
  },
  MATCHING_LOCK_UNKNOWN: {
    status: 409,
    en: 'A locked pair names a laureate or partner no longer in the matching.',
    fr: "Une paire verrouillée désigne un lauréat ou un partenaire qui n'est plus dans l'appariement.",
  },
  MATCHING_LOCK_FORBIDDEN: {
    status: 409,
    en: 'A pair cannot be both locked and forbidden.',
    fr: 'Une paire ne peut pas être à la fois verrouillée et interdite.',
  },
  MATCHING_LOCKS_EXCEED_CAPACITY: {
    status: 409,
    en: 'More pairs are locked for a partner ({locked}) than its capacity ({capacity}).',
    fr: 'Plus de paires verrouillées pour un partenaire ({locked}) que sa capacité ({capacity}).',
  },
  MATCHING_LOCKS_EXCEED_SPONSORS_PER_LAUREATE: {
    status: 409,
    en: 'More pairs are locked for a laureate ({locked}) than sponsors per laureate ({sponsorsPerLaureate}).',
    fr: 'Plus de paires verrouillées pour un lauréat ({locked}) que de parrains par lauréat ({sponsorsPerLaureate}).',
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<PartnersErrorCode | PartnersDomainErrorCode, true> {}
}
