import { computeReport, localDate, median, type ReportCampaign, type ReportContribution, type ReportInput } from '../../../src/reports/domain/report.js';

const PARIS = 'Europe/Paris';
const at = (iso: string) => new Date(iso);

function campaign(id: string, over: Partial<ReportCampaign> = {}): ReportCampaign {
  return {
    id,
    applicationId: `app-${id}`,
    slug: id,
    title: `Campagne ${id}`,
    commune: 'Roubaix',
    category: 'repair',
    goalCents: 100_000,
    status: 'funded',
    pageViews: 0,
    ...over,
  };
}

function gift(campaignId: string, amountCents: number, emailKey: string, over: Partial<ReportContribution> = {}): ReportContribution {
  return { campaignId, amountCents, emailKey, status: 'confirmed', confirmedAt: at('2026-09-10T10:00:00Z'), ...over };
}

/**
 * A hand-built programme: three campaigns, A funded past its goal (with match-funding), B not funded
 * (its contributions refunded, as all-or-nothing does), C funded with no contribution at all but a grant.
 */
function input(over: Partial<ReportInput> = {}): ReportInput {
  return {
    programme: { id: 'p1', slug: 'makers', title: { fr: 'Makers', en: 'Makers' }, phase: 'results' },
    categories: [
      { key: 'repair', label: { fr: 'Réparation', en: 'Repair' } },
      { key: 'reuse', label: { fr: 'Réemploi', en: 'Reuse' } },
    ],
    applications: [
      { id: 'app-A', submitted: true, eligible: true },
      { id: 'app-B', submitted: true, eligible: true },
      { id: 'app-C', submitted: true, eligible: true },
      { id: 'app-D', submitted: true, eligible: false },
      { id: 'app-E', submitted: false, eligible: false },
    ],
    laureateIds: ['app-A', 'app-B', 'app-C'],
    campaigns: [
      campaign('A', { goalCents: 100_000, pageViews: 1_000, commune: 'Roubaix', category: 'repair' }),
      campaign('B', { goalCents: 200_000, status: 'not_funded', pageViews: 500, commune: 'Lille', category: 'reuse' }),
      campaign('C', { goalCents: 10_000, pageViews: 250, commune: 'Roubaix', category: 'reuse' }),
      campaign('D', { status: 'draft', pageViews: 9_999 }),
    ],
    contributions: [
      // The anonymous contributor "anon@x" gives twice to A: one contributor, two contributions.
      gift('A', 50_000, 'anon@x', { confirmedAt: at('2026-09-01T06:00:00Z') }),
      gift('A', 30_000, 'anon@x', { confirmedAt: at('2026-09-02T21:30:00Z') }), // 23:30 in Paris: still the 2nd
      gift('A', 40_000, 'bob@x', { confirmedAt: at('2026-09-02T22:30:00Z') }), // 00:30 in Paris: the 3rd
      gift('A', 9_900, 'carol@x', { status: 'pending', confirmedAt: null }),
      gift('A', 7_700, 'dan@x', { status: 'failed', confirmedAt: null }),
      gift('A', 6_600, 'erin@x', { status: 'expired', confirmedAt: null }),
      gift('B', 20_000, 'bob@x', { status: 'refunded' }),
      gift('B', 10_000, 'fay@x', { status: 'refund_due' }),
      gift('D', 5_000, 'gus@x'), // a draft campaign collects nothing, even by mistake
    ],
    allocations: [
      { campaignId: 'A', amountCents: 25_000, kind: 'ratio', status: 'confirmed' },
      { campaignId: 'A', amountCents: 4_950, kind: 'ratio', status: 'reserved' },
      { campaignId: 'B', amountCents: 10_000, kind: 'ratio', status: 'released' },
      { campaignId: 'C', amountCents: 12_000, kind: 'grant', status: 'confirmed' },
    ],
    window: { opensAt: at('2026-08-31T22:00:00Z'), closesAt: at('2026-09-04T22:00:00Z') },
    matchCountsTowardGoal: true,
    timeZone: PARIS,
    generatedAt: at('2026-10-01T08:00:00Z'),
    ...over,
  };
}

describe('results report figures', () => {
  const f = computeReport(input());

  it('counts applications received (submitted at some point), eligible and laureates', () => {
    expect(f.applications).toEqual({ received: 4, eligible: 3, laureates: 3 });
  });

  it('counts launched campaigns only, funded ones and the success rate', () => {
    expect(f.campaigns).toEqual({ total: 3, funded: 2, notFunded: 1, inProgress: 0, successRatePercent: 66.7 });
  });

  it('adds only confirmed money: pending, failed, expired, refunded and refund-due contributions do not count', () => {
    expect(f.amounts).toEqual({ citizensCents: 120_000, matchFundingCents: 37_000, totalCents: 157_000 });
  });

  it('computes the average and median per campaign and per funded campaign on totals', () => {
    // Totals: A 145,000 (120,000 + 25,000), B 0, C 12,000.
    expect(f.perCampaign).toEqual({ averageCents: 52_333, medianCents: 12_000 });
    expect(f.perFundedCampaign).toEqual({ averageCents: 78_500, medianCents: 78_500 });
  });

  it('counts contributions and unique contributors (an anonymous contributor giving twice counts once)', () => {
    // Kept: anon twice and bob on A. Everyone: bob and fay too, whose money B gave back (gus gave to a draft: not counted).
    expect(f.contributions).toEqual({ count: 3, uniqueContributors: 2, everyone: { count: 5, uniqueContributors: 3, citizensCents: 150_000 } });
    expect(f.refunds).toEqual({ citizensCents: 30_000, contributions: 2 });
  });

  it('lists the partners with a budget, what each gave and to how many campaigns (confirmed allocations of opened campaigns)', () => {
    const g = computeReport(
      input({
        partners: [
          { id: 'bank', name: 'Banque', budgetCents: 50_000 },
          { id: 'city', name: 'Ville', budgetCents: 100_000 },
          { id: 'idle', name: 'Agence', budgetCents: 10_000 },
        ],
        allocations: [
          { campaignId: 'A', partnerId: 'bank', amountCents: 25_000, kind: 'ratio', status: 'confirmed' },
          { campaignId: 'A', partnerId: 'bank', amountCents: 4_950, kind: 'ratio', status: 'reserved' },
          { campaignId: 'B', partnerId: 'city', amountCents: 10_000, kind: 'ratio', status: 'released' },
          { campaignId: 'C', partnerId: 'city', amountCents: 12_000, kind: 'grant', status: 'confirmed' },
          { campaignId: 'A', partnerId: 'city', amountCents: 20_000, kind: 'grant', status: 'confirmed' },
          { campaignId: 'D', partnerId: 'city', amountCents: 1_000, kind: 'grant', status: 'confirmed' }, // a draft: not counted
        ],
      }),
    );
    expect(g.partners).toEqual([
      { name: 'Ville', budgetCents: 100_000, matchedCents: 32_000, campaigns: 2 },
      { name: 'Banque', budgetCents: 50_000, matchedCents: 25_000, campaigns: 1 },
      { name: 'Agence', budgetCents: 10_000, matchedCents: 0, campaigns: 0 },
    ]);
  });

  it('gives what each campaign reached before its refunds: a near miss stays visible', () => {
    const byId = Object.fromEntries(f.campaignRows.map((r) => [r.campaignId, r]));
    // B: 30,000 of 200,000 confirmed then refunded (or due): 15 %, two people; match-funding is not in it.
    expect(byId.B.beforeRefunds).toEqual({ citizensCents: 30_000, percentOfGoal: 15, contributions: 2, contributors: 2 });
    // A funded campaign without refunds: what it kept, and the same % of goal as its own (match-funding in it).
    expect(byId.A.beforeRefunds).toEqual({ citizensCents: 120_000, percentOfGoal: 145, contributions: 3, contributors: 2 });
    expect(byId.A.beforeRefunds!.percentOfGoal).toBe(byId.A.percentOfGoal);
    expect(byId.C.beforeRefunds).toEqual({ citizensCents: 0, percentOfGoal: 120, contributions: 0, contributors: 0 });
    // 99.6 % reached, then refunded: shown as 99 %, never rounded up to the goal.
    const g = computeReport(
      input({ campaigns: [campaign('B', { goalCents: 100_000, status: 'not_funded' })], contributions: [gift('B', 99_600, 'a@x', { status: 'refunded' })] }),
    );
    expect(g.campaignRows[0]).toMatchObject({ citizensCents: 0, percentOfGoal: 0, beforeRefunds: { citizensCents: 99_600, percentOfGoal: 99 } });
    expect(g.refunds).toEqual({ citizensCents: 99_600, contributions: 1 });
  });

  it('counts unique contributors across campaigns once', () => {
    const g = computeReport(input({ contributions: [gift('A', 1_000, 'x@x'), gift('C', 2_000, 'x@x'), gift('C', 3_000, 'y@x')] }));
    expect(g.contributions).toMatchObject({ count: 3, uniqueContributors: 2, everyone: { count: 3, uniqueContributors: 2 } });
    expect(g.campaignRows.find((r) => r.campaignId === 'C')!.contributors).toBe(2);
    expect(g.campaignRows.find((r) => r.campaignId === 'A')!.contributors).toBe(1);
  });

  it('adds the page views of launched campaigns', () => {
    expect(f.pageViews).toBe(1_750);
  });

  it('fills the per-campaign table, a campaign with no contribution included', () => {
    const byId = Object.fromEntries(f.campaignRows.map((r) => [r.campaignId, r]));
    expect(byId.A).toMatchObject({
      goalCents: 100_000,
      citizensCents: 120_000,
      matchedCents: 25_000,
      totalCents: 145_000,
      percentOfGoal: 145,
      contributions: 3,
      contributors: 2,
      pageViews: 1_000,
      outcome: 'funded',
      commune: 'Roubaix',
      category: 'repair',
    });
    expect(byId.B).toMatchObject({
      citizensCents: 0,
      matchedCents: 0,
      totalCents: 0,
      percentOfGoal: 0,
      contributions: 0,
      contributors: 0,
      outcome: 'not_funded',
    });
    expect(byId.C).toMatchObject({
      citizensCents: 0,
      matchedCents: 12_000,
      totalCents: 12_000,
      percentOfGoal: 120,
      contributions: 0,
      contributors: 0,
      outcome: 'funded',
    });
    expect(byId.D).toBeUndefined();
    // Best first.
    expect(f.campaignRows.map((r) => r.campaignId)).toEqual(['A', 'C', 'B']);
  });

  it('leaves match-funding out of the % of goal when the programme says it does not count', () => {
    const g = computeReport(input({ matchCountsTowardGoal: false }));
    expect(g.campaignRows.find((r) => r.campaignId === 'A')!.percentOfGoal).toBe(120);
    expect(g.campaignRows.find((r) => r.campaignId === 'C')!.percentOfGoal).toBe(0);
  });

  it('rounds the % of goal down (99.9 % is not 100 %)', () => {
    const g = computeReport(input({ campaigns: [campaign('A', { goalCents: 100_000 })], contributions: [gift('A', 99_999, 'a@x')], allocations: [] }));
    expect(g.campaignRows[0].percentOfGoal).toBe(99);
  });

  it('distributes by commune and by category', () => {
    expect(f.byCommune).toEqual([
      { key: 'Roubaix', campaigns: 2, funded: 2, citizensCents: 120_000, matchedCents: 37_000, totalCents: 157_000 },
      { key: 'Lille', campaigns: 1, funded: 0, citizensCents: 0, matchedCents: 0, totalCents: 0 },
    ]);
    expect(f.byCategory).toEqual([
      { key: 'repair', campaigns: 1, funded: 1, citizensCents: 120_000, matchedCents: 25_000, totalCents: 145_000 },
      { key: 'reuse', campaigns: 2, funded: 1, citizensCents: 0, matchedCents: 12_000, totalCents: 12_000 },
    ]);
  });

  it("accumulates the collection per local day over the window, in the tenant's time zone", () => {
    expect(f.daily).toEqual([
      { date: '2026-09-01', citizensCents: 50_000, contributions: 1, cumulativeCents: 50_000 },
      { date: '2026-09-02', citizensCents: 30_000, contributions: 1, cumulativeCents: 80_000 },
      { date: '2026-09-03', citizensCents: 40_000, contributions: 1, cumulativeCents: 120_000 },
      { date: '2026-09-04', citizensCents: 0, contributions: 0, cumulativeCents: 120_000 },
    ]);
  });

  it('counts a confirmation outside the window on its nearest day, so the curve ends on the total', () => {
    const g = computeReport(
      input({
        contributions: [
          gift('A', 1_000, 'a@x', { confirmedAt: at('2026-08-20T10:00:00Z') }),
          gift('A', 2_000, 'b@x', { confirmedAt: at('2026-09-20T10:00:00Z') }),
        ],
      }),
    );
    expect(g.daily[0]).toMatchObject({ date: '2026-09-01', citizensCents: 1_000 });
    expect(g.daily[g.daily.length - 1]).toMatchObject({ date: '2026-09-04', citizensCents: 2_000, cumulativeCents: 3_000 });
  });

  it('has no success rate, averages nor curve before any campaign', () => {
    const g = computeReport(input({ campaigns: [], contributions: [], allocations: [], window: { opensAt: null, closesAt: null } }));
    expect(g.campaigns.successRatePercent).toBeNull();
    expect(g.perCampaign).toEqual({ averageCents: 0, medianCents: 0 });
    expect(g.perFundedCampaign).toEqual({ averageCents: 0, medianCents: 0 });
    expect(g.daily).toEqual([]);
    expect(g.campaignRows).toEqual([]);
  });

  it('counts the success rate over settled campaigns while some are still live', () => {
    const g = computeReport(input({ campaigns: [campaign('A'), campaign('B', { status: 'not_funded' }), campaign('C', { status: 'live' })] }));
    expect(g.campaigns).toMatchObject({ total: 3, funded: 1, notFunded: 1, inProgress: 1, successRatePercent: 50 });
  });

  it('matches the reference call: 55,000 EUR over 9 funded campaigns is 6,111 EUR on average', () => {
    const campaigns = Array.from({ length: 10 }, (_, i) => campaign(`c${i}`, { status: i < 9 ? 'funded' : 'not_funded' }));
    const contributions = Array.from({ length: 9 }, (_, i) => gift(`c${i}`, i === 0 ? 5_500_000 - 8 * 611_111 : 611_111, `p${i}@x`));
    const g = computeReport(input({ campaigns, contributions, allocations: [] }));
    expect(g.amounts.totalCents).toBe(5_500_000);
    expect(g.perFundedCampaign.averageCents).toBe(611_111);
    expect(g.campaigns.successRatePercent).toBe(90);
  });

  it('is plain JSON: it survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });
});

describe('report helpers', () => {
  it('takes the median of odd and even lists', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(3); // (2 + 3) / 2 rounded
  });

  it('gives the local calendar date across midnight and daylight saving', () => {
    expect(localDate(at('2026-03-28T23:30:00Z'), PARIS)).toBe('2026-03-29');
    expect(localDate(at('2026-10-24T21:59:00Z'), PARIS)).toBe('2026-10-24');
    expect(localDate(at('2026-10-24T22:00:00Z'), PARIS)).toBe('2026-10-25');
  });
});
