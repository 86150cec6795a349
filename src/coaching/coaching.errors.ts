import type { ErrorCatalogue } from '../common/errors/domain-error.js';

export type CoachingErrorCode =
  | 'COACHING_NO_PLAN'
  | 'COACHING_NOT_LAUREATE'
  | 'COACHING_NOT_YOUR_LAUREATE'
  | 'COACHING_NOT_A_COACH'
  | 'COACHING_NO_LAUREATES'
  | 'COACHING_OVERRIDE_REASON_REQUIRED'
  | 'COACHING_FILE_REQUIRED'
  | 'COACHING_FEEDBACK_REQUIRED'
  | 'COACHING_FEED_NOT_FOUND'
  | 'COACHING_MILESTONE_STALE';

export const coachingErrors: ErrorCatalogue<CoachingErrorCode> = {
  COACHING_NO_PLAN: {
    status: 409,
    en: 'The coaching plan of this programme is not set yet.',
    fr: "Le plan d'accompagnement de ce programme n'est pas encore défini.",
  },
  COACHING_NOT_LAUREATE: {
    status: 404,
    en: 'You have no coaching schedule in this programme.',
    fr: "Vous n'avez pas de calendrier d'accompagnement dans ce programme.",
  },
  COACHING_NOT_YOUR_LAUREATE: { status: 403, en: 'This laureate is not coached by you.', fr: "Vous n'accompagnez pas ce lauréat." },
  COACHING_NOT_A_COACH: {
    status: 400,
    en: 'This person is neither a coach nor staff of the authority.',
    fr: "Cette personne n'est ni coach ni agent de la collectivité.",
  },
  COACHING_NO_LAUREATES: { status: 409, en: 'No laureate has been confirmed for this programme.', fr: "Aucun lauréat n'a été confirmé pour ce programme." },
  COACHING_OVERRIDE_REASON_REQUIRED: {
    status: 400,
    en: 'Give a reason (at least 10 characters) to let the campaign start without every laureate ready.',
    fr: 'Donnez un motif (au moins 10 caractères) pour ouvrir la campagne sans que tous les lauréats soient prêts.',
  },
  COACHING_FILE_REQUIRED: { status: 400, en: 'Attach a file: a PDF or an image.', fr: 'Joignez un fichier : un PDF ou une image.' },
  COACHING_FEEDBACK_REQUIRED: {
    status: 400,
    en: 'Say what to change: a comment is required to ask for changes.',
    fr: 'Dites quoi changer : un commentaire est requis pour demander des modifications.',
  },
  COACHING_FEED_NOT_FOUND: { status: 404, en: 'This calendar link is not valid (any more).', fr: "Ce lien d'agenda n'est pas (ou plus) valide." },
  COACHING_MILESTONE_STALE: {
    status: 409,
    en: 'This milestone changed meanwhile: reload the page.',
    fr: 'Cette étape a changé entre-temps : rechargez la page.',
  },
};

/** The codes src/coaching/domain throws. */
export type CoachingDomainErrorCode =
  | 'MILESTONE_TRANSITION_NOT_ALLOWED'
  | 'INVALID_TIME_ZONE'
  | 'INVALID_WALL_TIME'
  | 'MILESTONE_INVALID_DATE'
  | 'MILESTONE_EVIDENCE_KIND'
  | 'REMINDER_INVALID_OFFSET'
  | 'REMINDER_INVALID_TIME';

export const coachingDomainErrors: ErrorCatalogue<CoachingDomainErrorCode> = {
  MILESTONE_TRANSITION_NOT_ALLOWED: {
    status: 409,
    en: 'This step cannot be taken now (the milestone is {from}).',
    fr: "Cette action n'est pas possible maintenant (l'étape est {from}).",
  },
  INVALID_TIME_ZONE: { status: 400, en: 'Unknown time zone: {timeZone}.', fr: 'Fuseau horaire inconnu : {timeZone}.' },
  INVALID_WALL_TIME: {
    status: 400,
    en: 'This date and time does not exist in {timeZone}.',
    fr: "Cette date et cette heure n'existent pas dans le fuseau {timeZone}.",
  },
  MILESTONE_INVALID_DATE: { status: 400, en: 'The milestone date is not valid.', fr: "La date de l'étape n'est pas valide." },
  MILESTONE_EVIDENCE_KIND: {
    status: 400,
    en: 'This deliverable expects a {expected}, not a {given}.',
    fr: 'Ce livrable attend : {expected}, et non : {given}.',
  },
  REMINDER_INVALID_OFFSET: {
    status: 400,
    en: 'A reminder offset must be a whole number of days, at least 1.',
    fr: 'Un délai de rappel doit être un nombre entier de jours, au moins 1.',
  },
  REMINDER_INVALID_TIME: { status: 400, en: 'The reminder time must be HH:mm.', fr: "L'heure de rappel doit être au format HH:mm." },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<CoachingErrorCode | CoachingDomainErrorCode, true> {}
}
