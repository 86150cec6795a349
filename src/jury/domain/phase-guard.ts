import type { GuardReason } from '../../programmes/domain/phase-guards.js';
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
      reasons.push({ code: 'VOTE_NOT_CLOSED', en: 'The jury vote is not closed.', fr: "Le vote du jury n'est pas clos." });
    }
    if (facts.confirmedLaureates !== null && facts.confirmedLaureates === 0) {
      reasons.push({ code: 'NO_LAUREATES', en: 'No laureate has been confirmed.', fr: "Aucun lauréat n'a été confirmé." });
    }
  }
  return reasons;
}
