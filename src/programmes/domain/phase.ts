import { DomainError } from '../../common/errors/domain-error.js';

/** The lifecycle of one programme (MISSION.md), in order. */
export const PHASES = ['draft', 'call_open', 'screening', 'jury', 'announced', 'coaching', 'communication', 'campaign', 'settlement', 'results'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * Allowed transitions. The lifecycle only moves forward, one phase at a time, so that every phase's
 * side effects (e-mails, openings, settlement) happen once and in order.
 */
const NEXT: Record<Phase, readonly Phase[]> = {
  draft: ['call_open'],
  call_open: ['screening'],
  screening: ['jury'],
  jury: ['announced'],
  announced: ['coaching'],
  coaching: ['communication'],
  communication: ['campaign'],
  campaign: ['settlement'],
  settlement: ['results'],
  results: [],
};

export function isPhase(value: unknown): value is Phase {
  return typeof value === 'string' && (PHASES as readonly string[]).includes(value);
}

export function nextPhase(from: Phase): Phase | undefined {
  return NEXT[from][0];
}

export function canTransition(from: Phase, to: Phase): boolean {
  return NEXT[from].includes(to);
}

export function assertTransition(from: Phase, to: Phase): void {
  if (!canTransition(from, to)) throw new DomainError('PHASE_TRANSITION_NOT_ALLOWED', { from, to });
}

export function phaseIndex(phase: Phase): number {
  return PHASES.indexOf(phase);
}

/** Checked at load: every phase but the last has exactly one successor and the chain covers all phases. */
export function checkTransitionTable(): void {
  let phase: Phase | undefined = 'draft';
  const seen = new Set<Phase>();
  while (phase) {
    if (seen.has(phase)) throw new Error(`transition table has a cycle at ${phase}`);
    seen.add(phase);
    phase = nextPhase(phase);
  }
  if (seen.size !== PHASES.length) throw new Error('transition table does not reach every phase');
}
checkTransitionTable();
