import { DomainError, fieldProblem, type FieldProblem } from '../../common/errors/domain-error.js';
import { type Phase, PHASES, phaseIndex } from './phase.js';

export const MAX_COLLECTION_DAYS = 90;

/** When each phase starts. `draft` has no start: a programme is born in it. */
export type Timeline = Partial<Record<Exclude<Phase, 'draft'>, Date>>;

/** Instants must grow with the phases; a phase may be left unscheduled (then it is moved by hand). */
export function validateTimeline(timeline: Timeline): FieldProblem[] {
  const problems: FieldProblem[] = [];
  let previous: { phase: Phase; at: Date } | undefined;
  for (const phase of PHASES) {
    if (phase === 'draft') continue;
    const at = timeline[phase];
    if (!at) continue;
    if (Number.isNaN(at.getTime())) {
      problems.push(fieldProblem(`timeline.${phase}`, 'validation.dateTime'));
      continue;
    }
    if (previous && at.getTime() <= previous.at.getTime()) {
      problems.push(fieldProblem(`timeline.${phase}`, 'validation.afterPhase', { phase: { key: `phase.${previous.phase}` } }));
    }
    previous = { phase, at };
  }
  // One synchronised collection, opened at `campaign` and closed at `settlement`, lasts at most 90 days.
  const opens = timeline.campaign?.getTime();
  const closes = timeline.settlement?.getTime();
  if (opens !== undefined && closes !== undefined && closes - opens > MAX_COLLECTION_DAYS * 86_400_000) {
    problems.push(fieldProblem('timeline.settlement', 'validation.collectionTooLong', { max: MAX_COLLECTION_DAYS }));
  }
  return problems;
}

export function assertValidTimeline(timeline: Timeline): void {
  const problems = validateTimeline(timeline);
  if (problems.length) throw new DomainError('VALIDATION_FAILED', {}, problems);
}

/**
 * The automatic transitions due at `now`, in order, from the current phase. A phase with no instant
 * stops the chain: everything after it waits for a manual move. After downtime this returns every
 * missed step, so the scheduler catches up rather than skipping.
 */
export function dueTransitions(current: Phase, timeline: Timeline, now: Date): Array<{ from: Phase; to: Phase; at: Date }> {
  const steps: Array<{ from: Phase; to: Phase; at: Date }> = [];
  let from = current;
  for (let i = phaseIndex(current) + 1; i < PHASES.length; i++) {
    const to = PHASES[i] as Exclude<Phase, 'draft'>;
    const at = timeline[to];
    if (!at || at.getTime() > now.getTime()) break;
    steps.push({ from, to, at });
    from = to;
  }
  return steps;
}

/** The phase the timeline says a programme should be in at `now` (for display). */
export function scheduledPhaseAt(timeline: Timeline, now: Date): Phase {
  let phase: Phase = 'draft';
  for (const step of dueTransitions('draft', timeline, now)) phase = step.to;
  return phase;
}
