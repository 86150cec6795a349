import type { Localized } from '../../common/i18n/localized.js';
import { effectiveStatus, type LaureateMilestone, type MilestoneStatus } from './milestone-status.js';

export interface MissingMilestone {
  milestoneId: string;
  title: Localized;
  at: Date;
  /** Overdue when `now` was given and the due instant has passed. */
  status: MilestoneStatus;
}

export interface Readiness {
  ready: boolean;
  /** Required deliverables not validated yet, soonest first. */
  missing: MissingMilestone[];
}

/**
 * A laureate is ready for the campaign when every required deliverable is validated. Sessions do not
 * count: attendance is the coach's record, not something the laureate can complete.
 */
export function readiness(milestones: readonly LaureateMilestone[], now?: Date): Readiness {
  const missing = milestones
    .filter((m) => m.kind === 'deliverable' && m.required && m.status !== 'validated')
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => ({
      milestoneId: m.id,
      title: m.title,
      at: m.at,
      status: now ? effectiveStatus(m.kind, m.status, m.at, now) : m.status,
    }));
  return { ready: missing.length === 0, missing };
}
