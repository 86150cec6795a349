import { type ErrorCatalogue } from '../common/errors/domain-error.js';

export type ProgrammeErrorCode = 'PHASE_TRANSITION_NOT_ALLOWED' | 'PHASE_BLOCKED' | 'PROGRAMME_SLUG_TAKEN' | 'PHASE_CHANGED_MEANWHILE';

export const programmeErrors: ErrorCatalogue<ProgrammeErrorCode> = {
  PHASE_TRANSITION_NOT_ALLOWED: { status: 409, labels: { from: 'phase', to: 'phase' } },
  PHASE_BLOCKED: { status: 409, labels: { to: 'phase' } },
  PROGRAMME_SLUG_TAKEN: { status: 409 },
  PHASE_CHANGED_MEANWHILE: { status: 409, labels: { current: 'phase', expected: 'phase' } },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<ProgrammeErrorCode, true> {}
}
