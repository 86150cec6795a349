import type { GuardReason } from '../../programmes/domain/phase-guards.js';
import type { Phase } from '../../programmes/domain/phase.js';

/** What the readiness guard needs to know; `laureatesNotReady` is null when the programme has no coaching plan. */
export interface ReadinessFacts {
  laureatesNotReady: number | null;
  readinessOverridden: boolean;
}

/** No campaign phase while a laureate is not ready, unless staff overrode it with a reason. */
export function readinessBlockers(to: Phase, facts: ReadinessFacts): GuardReason[] {
  const reasons: GuardReason[] = [];
  if (to === 'campaign' && facts.laureatesNotReady && !facts.readinessOverridden) {
    reasons.push({
      code: 'LAUREATES_NOT_READY',
      en: `${facts.laureatesNotReady} laureate(s) are not ready for the campaign.`,
      fr: `${facts.laureatesNotReady} lauréat(s) ne sont pas prêts pour la campagne.`,
    });
  }
  return reasons;
}
