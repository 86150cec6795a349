import type { Message, MessageValues } from '../../common/i18n/message.js';
import { type Phase } from './phase.js';

/** What the programme's own guard needs to know; other modules' vetoes are registered into PhaseHooks. */
export interface PhaseFacts {
  hasTitle: boolean;
}

/**
 * Why a phase may not be entered: a stable code (audit, API) and the sentence to show, as a catalogue
 * key (`guard.<CODE>`) with its values, rendered in the reader's language. Stored as is in
 * `programme.blocked_reasons`.
 */
export interface GuardReason extends Message {
  code: string;
}

export function guardReason(code: string, values?: MessageValues): GuardReason {
  return values ? { code, key: `guard.${code}`, values } : { code, key: `guard.${code}` };
}

/**
 * Why a programme may not enter `to` by its own rules (empty when it may). Reasons rather than a
 * boolean, so that the staff page says what to do. The jury's and coaching's rules live with them.
 */
export function blockersFor(to: Phase, facts: PhaseFacts): GuardReason[] {
  const reasons: GuardReason[] = [];
  if (to === 'call_open' && !facts.hasTitle) {
    reasons.push(guardReason('NO_TITLE'));
  }
  return reasons;
}
