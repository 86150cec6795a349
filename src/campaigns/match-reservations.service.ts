import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { WithStatement } from '../common/db/prepared.js';
import type { Campaign, CampaignSettings, MatchBudget } from './campaign.entity.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { ContributionsRepository } from './contributions.repository.js';
import { desiredMatch, grantsEarned, shareAcrossBudgets, type MatchRules } from './domain/match-funding.js';
import { MatchFundingRepository } from './match-funding.repository.js';

export type MatchShare = { budgetId: string; amountCents: number };

/**
 * Whether a contribution's COMMIT failed because a budget no longer held what its reservation, planned
 * from a snapshot, wanted (another contribution took it meanwhile; SQLSTATE MB001 from the trigger):
 * nothing was written, and the contribution is made again with the budgets locked (`locked: true`),
 * which only happens when a budget is nearly spent.
 */
export function budgetMoved(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e.driverError?.code ?? e.code) === 'MB001';
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
 * written with the contribution; each budget is decremented by one atomic statement (`remaining >= x`)
 * run inside the COMMIT by a deferred trigger, so a budget row is held from that statement to the end
 * of the commit only (not across the application's round trips). If a budget no longer holds its
 * share, the COMMIT fails and the whole contribution is made again with the budgets locked (exact,
 * never negative: the CHECK constraint is the last line).
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
      /** The ratio budgets as the contribution's context read them (used unless `locked`). */
      snapshot?: Array<{ id: string; remainingCents: number }> | null;
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
    const budgets = !c.locked && c.snapshot ? c.snapshot : await this.matchFunding.budgetsFor(em, c.campaign, 'ratio', { lock: c.locked });
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

  /**
   * The allocations of a contribution's shares; their budgets are decremented at COMMIT (a deferred
   * trigger), so each budget row is held from that decrement to the end of the commit only. A budget
   * that fell short fails the COMMIT (see `budgetMoved`).
   */
  async allocate(em: EntityManager, a: { tenantId: string; campaignId: string; contributionId: string }, shares: MatchShare[]): Promise<void> {
    if (shares.length) await this.matchFunding.insertAllocationsTakenAtCommit(em, a, shares);
  }

  /** The same allocations as a statement to run with the contribution's INSERT (none: undefined). */
  allocationsWith(a: { tenantId: string; campaignId: string; contributionId: string }, shares: MatchShare[]): WithStatement | undefined {
    return shares.length ? this.matchFunding.allocationsTakenAtCommit(a, shares) : undefined;
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
