import { type Phase } from './phase.js';

/**
 * What the guards need to know about a programme. Each capability adds the facts its rules need;
 * the service gathers them in the transaction that makes the move.
 */
export interface PhaseFacts {
  hasTitle: boolean;
  /** null until the call (applications issue) exists for the programme. */
  submittedApplications: number | null;
  /** Set once a jury exists; null when none is configured. */
  voteClosed: boolean | null;
  confirmedLaureates: number | null;
}

export interface GuardReason {
  code: string;
  en: string;
  fr: string;
}

/**
 * Why a programme may not enter `to` (empty when it may). Reasons rather than a boolean, so that the
 * staff page says what to do.
 */
export function blockersFor(to: Phase, facts: PhaseFacts): GuardReason[] {
  const reasons: GuardReason[] = [];
  if (to === 'call_open' && !facts.hasTitle) {
    reasons.push({ code: 'NO_TITLE', en: 'The programme has no title.', fr: "Le programme n'a pas de titre." });
  }
  if (to === 'announced') {
    if (facts.voteClosed === false) {
      reasons.push({ code: 'VOTE_NOT_CLOSED', en: 'The jury vote is not closed.', fr: "Le vote du jury n'est pas clos." });
    }
    if (facts.confirmedLaureates !== null && facts.confirmedLaureates === 0) {
      reasons.push({ code: 'NO_LAUREATES', en: 'No laureate has been confirmed.', fr: "Aucun lauréat n'a été confirmé." });
    }
  }
  // Coaching's readiness guard (no campaign while a laureate is not ready) is coaching's own veto:
  // src/coaching/domain/readiness-guard.ts, registered into PhaseHooks.
  return reasons;
}
