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
  COACHING_NO_PLAN: { status: 409 },
  COACHING_NOT_LAUREATE: { status: 404 },
  COACHING_NOT_YOUR_LAUREATE: { status: 403 },
  COACHING_NOT_A_COACH: { status: 400 },
  COACHING_NO_LAUREATES: { status: 409 },
  COACHING_OVERRIDE_REASON_REQUIRED: { status: 400 },
  COACHING_FILE_REQUIRED: { status: 400 },
  COACHING_FEEDBACK_REQUIRED: { status: 400 },
  COACHING_FEED_NOT_FOUND: { status: 404 },
  COACHING_MILESTONE_STALE: { status: 409 },
};

/** The codes src/coaching/domain throws. */
export type CoachingDomainErrorCode =
  | 'MILESTONE_TRANSITION_NOT_ALLOWED'
  | 'INVALID_TIME_ZONE'
  | 'INVALID_WALL_TIME'
  | 'MILESTONE_INVALID_DATE'
  | 'MILESTONE_EVIDENCE_KIND'
  | 'REMINDER_INVALID_OFFSET'
  | 'REMINDER_INVALID_TIME'
  | 'COACHING_SESSION_NOT_HELD';

export const coachingDomainErrors: ErrorCatalogue<CoachingDomainErrorCode> = {
  MILESTONE_TRANSITION_NOT_ALLOWED: { status: 409, labels: { from: 'coaching.status' } },
  INVALID_TIME_ZONE: { status: 400 },
  INVALID_WALL_TIME: { status: 400 },
  MILESTONE_INVALID_DATE: { status: 400 },
  MILESTONE_EVIDENCE_KIND: { status: 400 },
  REMINDER_INVALID_OFFSET: { status: 400 },
  REMINDER_INVALID_TIME: { status: 400 },
  COACHING_SESSION_NOT_HELD: { status: 409 },
};

declare module '../common/errors/domain-error.js' {
  interface ErrorCodes extends Record<CoachingErrorCode | CoachingDomainErrorCode, true> {}
}
