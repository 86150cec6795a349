import { DomainError } from '../../common/errors/domain-error.js';

const DAY_MS = 86_400_000;

/**
 * The collection window: it opens when the programme enters `campaign` and closes when it enters
 * `settlement` (the timeline's own validation keeps it to 90 days at most).
 */
export interface CampaignWindow {
  opensAt: Date | null;
  closesAt: Date | null;
}

export function windowOf(timeline: Record<string, string | undefined>): CampaignWindow {
  return {
    opensAt: timeline.campaign ? new Date(timeline.campaign) : null,
    closesAt: timeline.settlement ? new Date(timeline.settlement) : null,
  };
}

export type WindowState = 'before' | 'open' | 'closed';

/**
 * Where a programme stands in its window. The phase decides (the opening is one transaction for every
 * campaign), and the closing instant is checked to the millisecond as well, so that a contribution made
 * after the close but before the scheduler's next tick is still refused.
 */
export function windowState(phase: string, w: CampaignWindow, now: Date): WindowState {
  const order = ['communication', 'campaign', 'settlement', 'results'];
  const i = order.indexOf(phase);
  if (i < 1) return 'before';
  if (i === 1 && (!w.closesAt || now.getTime() < w.closesAt.getTime())) return 'open';
  return 'closed';
}

export function assertWindowOpen(phase: string, w: CampaignWindow, now: Date): void {
  const state = windowState(phase, w, now);
  if (state === 'before') throw new DomainError('CONTRIBUTION_WINDOW_NOT_OPEN', { opensAt: w.opensAt?.toISOString() ?? '' });
  if (state === 'closed') throw new DomainError('CONTRIBUTION_WINDOW_CLOSED', { closesAt: w.closesAt?.toISOString() ?? '' });
}

/** Whole days left until the close, rounded up (0 once closed); null without a closing instant. */
export function daysLeft(w: CampaignWindow, now: Date): number | null {
  if (!w.closesAt) return null;
  return Math.max(0, Math.ceil((w.closesAt.getTime() - now.getTime()) / DAY_MS));
}
