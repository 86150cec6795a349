import { type GuardReason, guardReason } from '../../programmes/domain/phase-guards.js';
import type { Phase } from '../../programmes/domain/phase.js';

/** What the jury's guard needs to know; null fields when the programme has no jury (nothing holds it back). */
export interface JuryPhaseFacts {
  voteClosed: boolean | null;
  /** 0 until staff confirm; null when no jury is configured. */
  confirmedLaureates: number | null;
}

/** No results announced without a closed vote and confirmed laureates. */
export function juryBlockers(to: Phase, facts: JuryPhaseFacts): GuardReason[] {
  const reasons: GuardReason[] = [];
  if (to === 'announced') {
    if (facts.voteClosed === false) {
      reasons.push(guardReason('VOTE_NOT_CLOSED'));
    }
    if (facts.confirmedLaureates !== null && facts.confirmedLaureates === 0) {
      reasons.push(guardReason('NO_LAUREATES'));
    }
  }
  return reasons;
}
