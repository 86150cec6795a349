import type { Localized } from '../../common/i18n/localized.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { MilestoneKind } from './milestones.js';

/** Statuses kept in the database. `overdue` is never stored: it depends on the clock. */
export const STORED_STATUSES = ['pending', 'submitted', 'changes_requested', 'validated'] as const;
export type StoredMilestoneStatus = (typeof STORED_STATUSES)[number];
export type MilestoneStatus = StoredMilestoneStatus | 'overdue';

export const REVIEW_ACTIONS = ['submit', 'request_changes', 'validate', 'resubmit'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

type Table = Record<StoredMilestoneStatus, Partial<Record<ReviewAction, StoredMilestoneStatus>>>;

/**
 * Deliverables: the laureate submits, the coach validates or asks for changes, the laureate
 * resubmits. Validated is final so that readiness, once reached, cannot silently be lost.
 */
const DELIVERABLE_TRANSITIONS: Table = {
  pending: { submit: 'submitted' },
  submitted: { request_changes: 'changes_requested', validate: 'validated' },
  changes_requested: { resubmit: 'submitted' },
  validated: {},
};

/** Sessions have nothing to hand in: the coach validates attendance. */
const SESSION_TRANSITIONS: Table = {
  pending: { validate: 'validated' },
  submitted: {},
  changes_requested: {},
  validated: {},
};

export const MILESTONE_TRANSITIONS: Readonly<Record<MilestoneKind, Readonly<Table>>> = {
  deliverable: DELIVERABLE_TRANSITIONS,
  session: SESSION_TRANSITIONS,
};

export function nextStatus(kind: MilestoneKind, from: StoredMilestoneStatus, action: ReviewAction): StoredMilestoneStatus | undefined {
  return MILESTONE_TRANSITIONS[kind][from][action];
}

/**
 * The status after `action`, or DomainError MILESTONE_TRANSITION_NOT_ALLOWED naming the kind, the
 * status, the action and what is allowed from there (so the message can say what to do instead).
 */
export function applyReviewAction(kind: MilestoneKind, from: StoredMilestoneStatus, action: ReviewAction): StoredMilestoneStatus {
  const to = nextStatus(kind, from, action);
  if (!to) {
    throw new DomainError('MILESTONE_TRANSITION_NOT_ALLOWED', {
      kind,
      from,
      action,
      allowed: Object.keys(MILESTONE_TRANSITIONS[kind][from]),
    });
  }
  return to;
}

/** Whether the laureate still has something to do (a late one is overdue). */
export function awaitsLaureate(status: StoredMilestoneStatus): boolean {
  return status === 'pending' || status === 'changes_requested';
}

/**
 * The status shown: a deliverable past its due instant that the laureate has not handed in
 * (pending, or changes requested) is overdue. Sessions are never overdue: a missed one stays pending
 * for the coach to settle.
 */
export function effectiveStatus(kind: MilestoneKind, stored: StoredMilestoneStatus, at: Date, now: Date): MilestoneStatus {
  if (kind === 'deliverable' && awaitsLaureate(stored) && now.getTime() > at.getTime()) return 'overdue';
  return stored;
}

/** One laureate's milestone: the scheduled instant and where the laureate stands. */
export interface LaureateMilestone {
  id: string;
  kind: MilestoneKind;
  title: Localized;
  required: boolean;
  /** When the session starts or the deliverable is due (see scheduleMilestones). */
  at: Date;
  status: StoredMilestoneStatus;
}
