import { type GuardReason, guardReason } from '../../programmes/domain/phase-guards.js';
import type { Phase } from '../../programmes/domain/phase.js';

/** What the readiness guard needs to know; null when the programme has no coaching plan. */
export interface ReadinessFacts {
  laureatesNotReady: number | null;
  readinessOverridden: boolean;
}

/**
 * Coaching's veto on the lifecycle: no campaign phase while a laureate is not ready, unless staff
 * overrode it (with a reason, audited). Reasons rather than a boolean, so that the staff page says why.
 */
export function readinessBlockers(to: Phase, facts: ReadinessFacts): GuardReason[] {
  if (to !== 'campaign' || !facts.laureatesNotReady || facts.readinessOverridden) return [];
  return [guardReason('LAUREATES_NOT_READY', { count: facts.laureatesNotReady })];
}
