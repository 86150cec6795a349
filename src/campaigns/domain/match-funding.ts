/**
 * Match-funding rules, after the best open-source civic crowdfunding platforms: partners' budgets add a
 * proportional amount to citizens' contributions (with caps), or pay a fixed grant once a campaign reaches
 * thresholds. Pure arithmetic on integer cents; the service applies it under the budgets' row locks.
 */

export interface MatchRules {
  /** Matched cents per 100 citizen cents. */
  factorPercent: number;
  capPerContributionCents: number | null;
  capPerCampaignCents: number | null;
  /** How many contributions of one contributor to one campaign are matched. */
  maxPerContributor: number | null;
  onlyListedRewards: boolean;
}

export interface ContributionForMatch {
  amountCents: number;
  /** null when the contribution picks no reward. */
  rewardMatchEligible: boolean | null;
  /** Proportional match already reserved or confirmed for this campaign. */
  campaignMatchedCents: number;
  /** This contributor's contributions to this campaign that already got a match (pending or confirmed). */
  contributorMatchedCount: number;
}

/** What the rules would add to one contribution, before looking at what the budgets hold. */
export function desiredMatch(rules: MatchRules, c: ContributionForMatch): number {
  if (rules.factorPercent <= 0) return 0;
  if (rules.onlyListedRewards && c.rewardMatchEligible !== true) return 0;
  if (rules.maxPerContributor !== null && c.contributorMatchedCount >= rules.maxPerContributor) return 0;
  let match = Math.floor((c.amountCents * rules.factorPercent) / 100);
  if (rules.capPerContributionCents !== null) match = Math.min(match, rules.capPerContributionCents);
  if (rules.capPerCampaignCents !== null) match = Math.min(match, Math.max(0, rules.capPerCampaignCents - c.campaignMatchedCents));
  return Math.max(0, match);
}

export interface BudgetBalance {
  id: string;
  remainingCents: number;
}

/**
 * Shares one match among several budgets in proportion to what each has left (largest remainder, ties
 * by id so the split is deterministic). Never takes more than a budget holds; when the budgets hold less
 * than wanted, the match is what they hold.
 */
export function shareAcrossBudgets(wantedCents: number, budgets: BudgetBalance[]): Array<{ budgetId: string; amountCents: number }> {
  const usable = budgets.filter((b) => b.remainingCents > 0).sort((a, b) => (a.id < b.id ? -1 : 1));
  const available = usable.reduce((s, b) => s + b.remainingCents, 0);
  const total = Math.min(Math.max(0, wantedCents), available);
  if (total === 0) return [];
  const shares = usable.map((b) => {
    const exact = (total * b.remainingCents) / available;
    return { budgetId: b.id, amountCents: Math.floor(exact), fraction: exact - Math.floor(exact), cap: b.remainingCents };
  });
  let left = total - shares.reduce((s, x) => s + x.amountCents, 0);
  for (const s of [...shares].sort((a, b) => b.fraction - a.fraction || (a.budgetId < b.budgetId ? -1 : 1))) {
    if (left === 0) break;
    if (s.amountCents < s.cap) {
      s.amountCents += 1;
      left -= 1;
    }
  }
  return shares.filter((s) => s.amountCents > 0).map(({ budgetId, amountCents }) => ({ budgetId, amountCents }));
}

export interface GrantBudget {
  id: string;
  remainingCents: number;
  grantCents: number;
  thresholdPercent: number;
  minContributors: number;
}

export interface CampaignProgress {
  goalCents: number;
  collectedCents: number;
  contributorCount: number;
}

/**
 * Fixed grants a campaign has just earned: its citizens' money reached the budget's % of the goal and
 * it has enough distinct contributors. Each budget pays a campaign at most once (`alreadyPaid`), and
 * never more than it has left.
 */
export function grantsEarned(c: CampaignProgress, budgets: GrantBudget[], alreadyPaid: ReadonlySet<string>): Array<{ budgetId: string; amountCents: number }> {
  const earned: Array<{ budgetId: string; amountCents: number }> = [];
  for (const b of budgets) {
    if (alreadyPaid.has(b.id) || b.remainingCents <= 0) continue;
    // Integer comparison: collected / goal >= threshold / 100.
    if (c.collectedCents * 100 < c.goalCents * b.thresholdPercent) continue;
    if (c.contributorCount < b.minContributors) continue;
    earned.push({ budgetId: b.id, amountCents: Math.min(b.grantCents, b.remainingCents) });
  }
  return earned;
}
