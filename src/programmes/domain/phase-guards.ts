import { type Phase } from './phase.js';

/** What the programme's own guard needs to know; other modules' vetoes are registered into PhaseHooks. */
export interface PhaseFacts {
  hasTitle: boolean;
}

export interface GuardReason {
  code: string;
  en: string;
  fr: string;
}

/**
 * Why a programme may not enter `to` by its own rules (empty when it may). Reasons rather than a
 * boolean, so that the staff page says what to do. The jury's and coaching's rules live with them.
 */
export function blockersFor(to: Phase, facts: PhaseFacts): GuardReason[] {
  const reasons: GuardReason[] = [];
  if (to === 'call_open' && !facts.hasTitle) {
    reasons.push({ code: 'NO_TITLE', en: 'The programme has no title.', fr: "Le programme n'a pas de titre." });
  }
  return reasons;
}
