import { DomainError } from '../../common/errors/domain-error.js';

/**
 * A campaign's life: written by the laureate (draft), reviewed by staff, approved, live during the
 * window, then settled. `awaiting_funds` holds a closed campaign while payments are still pending.
 */
export type CampaignStatus = 'draft' | 'in_review' | 'changes_requested' | 'approved' | 'live' | 'awaiting_funds' | 'funded' | 'not_funded';

const CAMPAIGN_NEXT: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['in_review'],
  in_review: ['approved', 'changes_requested'],
  changes_requested: ['in_review'],
  approved: ['live', 'changes_requested', 'in_review'],
  live: ['awaiting_funds', 'funded', 'not_funded'],
  awaiting_funds: ['funded', 'not_funded'],
  funded: [],
  not_funded: [],
};

export function canMoveCampaign(from: CampaignStatus, to: CampaignStatus): boolean {
  return CAMPAIGN_NEXT[from].includes(to);
}

export function assertCampaignMove(from: CampaignStatus, to: CampaignStatus): void {
  if (!canMoveCampaign(from, to)) throw new DomainError('CAMPAIGN_STATE_CONFLICT', { from, to });
}

/** The laureate may edit the page until staff approve it (after approval, changes go back to review). */
export function isEditable(status: CampaignStatus): boolean {
  return status === 'draft' || status === 'changes_requested' || status === 'in_review' || status === 'approved';
}

export const SETTLED: readonly CampaignStatus[] = ['funded', 'not_funded'];

/**
 * A contribution's life. Only `confirmed` counts. A payment that arrives after its contribution
 * failed or expired is not counted but owed back (`refund_due`).
 */
export const CONTRIBUTION_STATUSES = ['pending', 'confirmed', 'failed', 'expired', 'refund_due', 'refunded'] as const;
export type ContributionStatus = (typeof CONTRIBUTION_STATUSES)[number];

/**
 * `refund_failed`: a refund the provider had taken failed after all (the contribution stays owed back).
 * `reinstated`: a dispute (chargeback) won, its money back (DisputesService checks it was a dispute's refund).
 */
export type PaymentSignal = 'succeeded' | 'failed' | 'refunded' | 'refund_failed' | 'reinstated';

/**
 * What a provider's signal does to a contribution, whatever order signals arrive in. Returns the new
 * status, or null when the signal changes nothing (a replay, or news older than what we know).
 */
export function applyPaymentSignal(current: ContributionStatus, signal: PaymentSignal): ContributionStatus | null {
  switch (signal) {
    case 'succeeded':
      if (current === 'pending') return 'confirmed';
      // Money arrived for a contribution we no longer count: it must go back.
      if (current === 'failed' || current === 'expired') return 'refund_due';
      return null;
    case 'failed':
      return current === 'pending' ? 'failed' : null;
    case 'refunded':
      return current === 'refund_due' || current === 'confirmed' ? 'refunded' : null;
    case 'refund_failed':
      return null; // the refund's state changes, not the contribution's
    case 'reinstated':
      // The one way back from `refunded`: the money a dispute withdrew is returned.
      return current === 'refunded' ? 'confirmed' : null;
  }
}
