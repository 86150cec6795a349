export type SettlementPolicy = 'all_or_nothing' | 'keep_it_all';

export interface CampaignAtClose {
  goalCents: number;
  collectedCents: number;
  matchedCents: number;
  /** Contributions still waiting for their payment (neither confirmed nor failed nor expired). */
  pendingCount: number;
}

export interface SettlementRules {
  policy: SettlementPolicy;
  matchCountsTowardGoal: boolean;
}

export type Settlement = { outcome: 'awaiting_funds' } | { outcome: 'funded' | 'not_funded'; refundContributions: boolean; releaseMatch: boolean };

/**
 * How a closed campaign settles. While a payment is pending the outcome could still change, so the
 * campaign waits; otherwise it is funded when what counts reaches the goal. All-or-nothing returns the
 * money of a campaign that is not funded (contributions refunded, matched amounts back to the budgets);
 * keep-it-all lets the laureate keep what was given.
 */
export function settle(c: CampaignAtClose, rules: SettlementRules): Settlement {
  if (c.pendingCount > 0) return { outcome: 'awaiting_funds' };
  const counted = c.collectedCents + (rules.matchCountsTowardGoal ? c.matchedCents : 0);
  if (counted >= c.goalCents) return { outcome: 'funded', refundContributions: false, releaseMatch: false };
  const giveBack = rules.policy === 'all_or_nothing';
  return { outcome: 'not_funded', refundContributions: giveBack, releaseMatch: giveBack };
}

/** Percentage of the goal reached, rounded down (what progress bars show). */
export function percentOfGoal(collectedCents: number, goalCents: number): number {
  return goalCents > 0 ? Math.floor((collectedCents * 100) / goalCents) : 0;
}
