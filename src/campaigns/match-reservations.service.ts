import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Campaign, CampaignSettings, MatchBudget } from './campaign.entity.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { ContributionsRepository } from './contributions.repository.js';
import { desiredMatch, grantsEarned, shareAcrossBudgets, type MatchRules } from './domain/match-funding.js';
import { MatchFundingRepository } from './match-funding.repository.js';

export type MatchShare = { budgetId: string; amountCents: number };

/**
 * A budget no longer holds what a reservation planned from its snapshot wanted (another contribution
 * took it meanwhile): the contribution's transaction is rolled back and made again with the budgets
 * locked (`locked: true`), which only happens when a budget is nearly spent.
 */
export class MatchBudgetMoved extends Error {
  constructor(readonly budgetId: string) {
    super(`match budget ${budgetId} moved under a reservation`);
  }
}

const rulesOf = (s: CampaignSettings): MatchRules => ({
  factorPercent: s.matchFactorPercent,
  capPerContributionCents: s.matchCapPerContributionCents,
  capPerCampaignCents: s.matchCapPerCampaignCents,
  maxPerContributor: s.matchMaxPerContributor,
  onlyListedRewards: s.matchOnlyListedRewards,
});

const grantBudget = (b: MatchBudget) => ({
  id: b.id,
  remainingCents: b.remainingCents,
  grantCents: b.grantCents ?? 0,
  thresholdPercent: b.grantThresholdPercent ?? 0,
  minContributors: b.grantMinContributors ?? 0,
});

/**
 * Match-funding reserved with a contribution without serialising the programme on its partners'
 * budget rows. The match is planned from a snapshot of the budgets (no lock); the allocations are
 * written with the contribution; the budgets are decremented by one atomic statement each
 * (`remaining >= x`), the last statements of the transaction, so a budget row is held from that
 * statement to the commit only. If a budget no longer holds its share, the whole transaction is made
 * again with the budgets locked (exact, never negative: the CHECK constraint is the last line).
 *
 * Caps that depend on what was already matched (per campaign, per contributor) are read under a lock
 * of that campaign (or campaign and contributor), taken before any budget row: one lock order.
 */
@Injectable()
export class MatchReservations {
  constructor(
    private readonly matchFunding: MatchFundingRepository,
    private readonly contributions: ContributionsRepository,
    private readonly campaigns: CampaignsRepository,
  ) {}

  /** The shares a contribution would take from each budget (nothing taken yet). */
  async plan(
    em: EntityManager,
    c: {
      campaign: Pick<Campaign, 'id' | 'tenantId' | 'programmeId' | 'applicationId'>;
      settings: CampaignSettings;
      amountCents: number;
      rewardMatchEligible: boolean | null;
      emailKey: string;
      locked: boolean;
    },
  ): Promise<MatchShare[]> {
    const rules = rulesOf(c.settings);
    // The counts only lower the match: with none, this is the most it could be.
    if (
      desiredMatch(rules, { amountCents: c.amountCents, rewardMatchEligible: c.rewardMatchEligible, campaignMatchedCents: 0, contributorMatchedCount: 0 }) === 0
    )
      return [];
    const perCampaign = rules.capPerCampaignCents !== null;
    const perContributor = rules.maxPerContributor !== null;
    if (perCampaign || perContributor) await this.matchFunding.lockMatchCaps(em, c.campaign.id, perCampaign ? null : c.emailKey);
    const budgets = await this.matchFunding.budgetsFor(em, c.campaign, 'ratio', { lock: c.locked });
    if (!budgets.length) return [];
    const wanted = desiredMatch(rules, {
      amountCents: c.amountCents,
      rewardMatchEligible: c.rewardMatchEligible,
      // Each cap's count is read only when the programme sets that cap.
      campaignMatchedCents: perCampaign ? await this.matchFunding.campaignRatioMatched(em, c.campaign.id) : 0,
      contributorMatchedCount: perContributor ? await this.contributions.contributorMatchedCount(em, c.campaign.id, c.emailKey) : 0,
    });
    return shareAcrossBudgets(
      wanted,
      budgets.map((b) => ({ id: b.id, remainingCents: b.remainingCents })),
    );
  }

  /** The allocations of a contribution's shares (written before the budgets are taken, see `take`). */
  async allocate(em: EntityManager, a: { tenantId: string; campaignId: string; contributionId: string }, shares: MatchShare[]): Promise<void> {
    for (const s of shares) {
      await this.matchFunding.insertAllocation(em, { ...a, budgetId: s.budgetId, kind: 'ratio', amountCents: s.amountCents, status: 'reserved' });
    }
  }

  /** The budgets' decrements: the transaction's last statements. Throws MatchBudgetMoved when one falls short. */
  async take(em: EntityManager, shares: MatchShare[]): Promise<void> {
    for (const s of [...shares].sort((a, b) => (a.budgetId < b.budgetId ? -1 : 1))) {
      if (!(await this.matchFunding.tryTakeFromBudget(em, s.budgetId, s.amountCents))) throw new MatchBudgetMoved(s.budgetId);
    }
  }

  /**
   * Fixed grants the campaign has just earned, each paid once, never beyond a budget's balance. The
   * caller holds the campaign's row lock (what was paid cannot move); the grant budgets are locked only
   * when a snapshot says a grant is earned now (most confirmations earn none).
   */
  async payGrants(em: EntityManager, campaign: Campaign): Promise<void> {
    const snapshot = await this.matchFunding.budgetsFor(em, campaign, 'grant', { lock: false });
    if (!snapshot.length) return;
    const paid = await this.matchFunding.grantsPaid(em, campaign.id);
    if (!grantsEarned(campaign, snapshot.map(grantBudget), paid).length) return;
    const budgets = await this.matchFunding.lockBudgetsFor(em, campaign, 'grant');
    for (const g of grantsEarned(campaign, budgets.map(grantBudget), paid)) {
      await this.matchFunding.takeFromBudget(em, g.budgetId, g.amountCents);
      await this.matchFunding.insertAllocation(em, {
        tenantId: campaign.tenantId,
        campaignId: campaign.id,
        budgetId: g.budgetId,
        contributionId: null,
        kind: 'grant',
        amountCents: g.amountCents,
        status: 'confirmed',
      });
      await this.campaigns.addMatched(em, campaign.id, g.amountCents);
    }
  }
}
