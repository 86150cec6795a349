import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type ProgrammeErrorCode = 'PHASE_TRANSITION_NOT_ALLOWED' | 'PHASE_BLOCKED' | 'PROGRAMME_SLUG_TAKEN' | 'PHASE_CHANGED_MEANWHILE';

export const programmeErrors: ErrorCatalogue<ProgrammeErrorCode> = {
  PHASE_TRANSITION_NOT_ALLOWED: { status: 409, en: 'A programme cannot move from {from} to {to}.', fr: 'Un programme ne peut pas passer de {from} à {to}.' },
  PHASE_BLOCKED: { status: 409, en: 'The programme cannot enter {to} yet: {reasons}', fr: 'Le programme ne peut pas encore passer en {to} : {reasons}' },
  PROGRAMME_SLUG_TAKEN: {
    status: 409,
    en: 'Another programme already uses the address "{slug}".',
    fr: "Un autre programme utilise déjà l'adresse « {slug} ».",
  },
  PHASE_CHANGED_MEANWHILE: {
    status: 409,
    en: 'The programme is now in {current}, not {expected}; reload and try again.',
    fr: 'Le programme est maintenant en {current}, pas en {expected} ; rechargez et réessayez.',
  },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<ProgrammeErrorCode, true> {}
}
