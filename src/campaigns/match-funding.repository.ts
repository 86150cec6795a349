import type { StoredImage } from '../common/web/image-view.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { prepared, type WithStatement } from '../common/db/prepared.js';
import { type Campaign, CampaignSettings, MatchAllocation, MatchBudget } from './campaign.entity.js';
import { returned } from './campaigns.repository.js';

/**
 * The ratio budgets that cover the campaign aliased `c`, as a JSON array of `{ id, remaining }` in id
 * order (null when the settings aliased `s` match nothing): the plan's snapshot, read with the
 * contribution's context in the same statement (see `MatchReservations.plan`).
 */
export const RATIO_BUDGETS_SNAPSHOT = `CASE WHEN coalesce(s.match_factor_percent, 0) > 0 THEN (
    SELECT coalesce(json_agg(json_build_object('id', b.id, 'remaining', match_budget_remaining(b.id)) ORDER BY b.id), '[]'::json) FROM match_budget b
     WHERE b.tenant_id = c.tenant_id AND b.programme_id = c.programme_id AND b.kind = 'ratio'
       AND (b.scope = 'all' OR EXISTS (SELECT 1 FROM partner_match pm WHERE pm.partner_id = b.partner_id AND pm.application_id = c.application_id))) END`;

/** Settings as they apply when staff never saved any. */
const DEFAULT_SETTINGS: Omit<CampaignSettings, 'id' | 'tenantId' | 'programmeId' | 'updatedAt'> = {
  paymentProvider: 'pledge',
  settlementPolicy: 'all_or_nothing',
  matchCountsTowardGoal: true,
  pendingGraceHours: 72,
  matchFactorPercent: 0,
  matchCapPerContributionCents: null,
  matchCapPerCampaignCents: null,
  matchMaxPerContributor: null,
  matchOnlyListedRewards: false,
};

/** A programme's saved settings, or the defaults when staff never saved any. */
export function settingsOrDefaults(saved: CampaignSettings | null, tenantId: string, programmeId: string): CampaignSettings {
  return saved ?? ({ ...DEFAULT_SETTINGS, tenantId, programmeId } as CampaignSettings);
}

/**
 * A programme's collection settings, the partners' match budgets and what each contribution or campaign
 * took from them (allocations). Budgets change by atomic statements under the locks taken in id order.
 */
@Injectable()
export class MatchFundingRepository {
  // ---- settings ----

  settings(em: EntityManager, tenantId: string, programmeId: string): Promise<CampaignSettings | null> {
    return em.getRepository(CampaignSettings).findOneBy({ tenantId, programmeId });
  }

  async settingsOf(em: EntityManager, tenantId: string, programmeId: string): Promise<CampaignSettings> {
    return settingsOrDefaults(await this.settings(em, tenantId, programmeId), tenantId, programmeId);
  }

  /** The settings row, created with defaults on first use (concurrent first uses end with one row). */
  async ensureSettings(em: EntityManager, tenantId: string, programmeId: string): Promise<CampaignSettings> {
    await em.query(`INSERT INTO campaign_settings (tenant_id, programme_id) VALUES ($1, $2) ON CONFLICT (tenant_id, programme_id) DO NOTHING`, [
      tenantId,
      programmeId,
    ]);
    return (await this.settings(em, tenantId, programmeId))!;
  }

  async updateSettings(em: EntityManager, id: string, patch: Partial<CampaignSettings>): Promise<void> {
    if (Object.keys(patch).length) await em.getRepository(CampaignSettings).update({ id }, patch as never);
  }

  // ---- budgets ----

  /** A programme's budgets, each with what remains of it (its pool and its stripes). */
  async budgets(em: EntityManager, tenantId: string, programmeId: string): Promise<MatchBudget[]> {
    const budgets = await em.getRepository(MatchBudget).find({ where: { tenantId, programmeId }, order: { createdAt: 'ASC' } });
    if (!budgets.length) return budgets;
    const striped: Array<{ budget_id: string; s: string }> = await em.query(
      `SELECT budget_id, sum(remaining_cents) AS s FROM match_budget_stripe WHERE budget_id = ANY($1::uuid[]) GROUP BY budget_id`,
      [budgets.map((b) => b.id)],
    );
    const inStripes = new Map(striped.map((r) => [r.budget_id, Number(r.s)]));
    for (const b of budgets) b.remainingCents = b.poolCents + (inStripes.get(b.id) ?? 0);
    return budgets;
  }

  async insertBudget(
    em: EntityManager,
    b: Pick<
      MatchBudget,
      'tenantId' | 'programmeId' | 'partnerId' | 'kind' | 'scope' | 'totalCents' | 'grantCents' | 'grantThresholdPercent' | 'grantMinContributors'
    >,
  ): Promise<string> {
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO match_budget (tenant_id, programme_id, partner_id, kind, scope, total_cents, pool_cents, grant_cents, grant_threshold_percent, grant_min_contributors)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9) RETURNING id`,
      [b.tenantId, b.programmeId, b.partnerId, b.kind, b.scope, b.totalCents, b.grantCents, b.grantThresholdPercent, b.grantMinContributors],
    );
    return rows[0].id;
  }

  /**
   * Resizes a budget, keeping what is already reserved or paid (total - remaining): false when the new
   * total would go below it (nothing changes then). The stripes are folded into the pool first (under
   * the budget's locks, to the commit), so the pool is what remains.
   */
  async resizeBudget(
    em: EntityManager,
    id: string,
    change: Pick<MatchBudget, 'totalCents' | 'scope' | 'grantCents' | 'grantThresholdPercent' | 'grantMinContributors'>,
  ): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, count].
    await em.query(`SELECT match_budget_gather($1)`, [id]);
    const [rows]: [unknown[], number] = await em.query(
      `UPDATE match_budget SET total_cents = $2::bigint, pool_cents = $2::bigint - (total_cents - pool_cents),
         scope = $3, grant_cents = $4::bigint, grant_threshold_percent = $5::int, grant_min_contributors = $6::int
       WHERE id = $1 AND $2::bigint >= total_cents - pool_cents RETURNING id`,
      [id, change.totalCents, change.scope, change.grantCents, change.grantThresholdPercent, change.grantMinContributors],
    );
    return rows.length > 0;
  }

  /**
   * The budgets of a kind that cover a campaign, in id order, with what remains of each. `lock`: each
   * budget locked with its stripes, in id order (`match_budget_gather`; every contribution locks in the
   * same order: no deadlock), so what it says holds to the commit. Unlocked, it is a snapshot: a
   * reservation planned from it is taken at COMMIT (`insertAllocationsTakenAtCommit`), which refuses what is no longer there.
   */
  async budgetsFor(
    em: EntityManager,
    campaign: Pick<Campaign, 'tenantId' | 'programmeId' | 'applicationId'>,
    kind: 'ratio' | 'grant',
    opts: { lock: boolean },
  ): Promise<MatchBudget[]> {
    const rows = await prepared(
      em,
      `SELECT b.id, match_budget_remaining(b.id) AS remaining_cents, b.grant_cents, b.grant_threshold_percent, b.grant_min_contributors FROM match_budget b
        WHERE b.tenant_id = $1 AND b.programme_id = $2 AND b.kind = $3
          AND (b.scope = 'all' OR EXISTS (SELECT 1 FROM partner_match pm WHERE pm.partner_id = b.partner_id AND pm.application_id = $4))
        ORDER BY b.id`,
      [campaign.tenantId, campaign.programmeId, kind, campaign.applicationId],
    );
    if (opts.lock && rows.length) {
      // One budget after the other, in id order (a function loops; a SELECT's rows have no evaluation order).
      const locked: Array<{ id: string; remaining: string }> = await em.query(`SELECT id, remaining FROM match_budgets_gather($1::uuid[])`, [
        rows.map((r) => r.id),
      ]);
      const remaining = new Map(locked.map((r) => [r.id, r.remaining]));
      for (const r of rows) r.remaining_cents = remaining.get(r.id as string);
    }
    return rows.map(
      (r) =>
        ({
          id: r.id as string,
          kind,
          remainingCents: Number(r.remaining_cents),
          grantCents: r.grant_cents === null ? null : Number(r.grant_cents),
          grantThresholdPercent: r.grant_threshold_percent as number | null,
          grantMinContributors: r.grant_min_contributors as number | null,
        }) as MatchBudget,
    );
  }

  /** The budgets of a kind that cover a campaign, locked in id order. */
  lockBudgetsFor(em: EntityManager, campaign: Pick<Campaign, 'tenantId' | 'programmeId' | 'applicationId'>, kind: 'ratio' | 'grant'): Promise<MatchBudget[]> {
    return this.budgetsFor(em, campaign, kind, { lock: true });
  }

  /**
   * Serialises, until the transaction ends, the contributions whose match depends on what was already
   * matched for one campaign (a cap per campaign) or for one contributor there (a cap per contributor):
   * a lock per campaign (or per campaign and contributor), never one per programme.
   */
  async lockMatchCaps(em: EntityManager, campaignId: string, emailKey: string | null): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`match:${campaignId}${emailKey === null ? '' : `:${emailKey}`}`]);
  }

  /** Takes `cents` from a budget the caller holds locked (`lockBudgetsFor`): it holds them. */
  async takeFromBudget(em: EntityManager, budgetId: string, cents: number): Promise<void> {
    const [row]: Array<{ taken: boolean }> = await em.query(`SELECT match_budget_take($1, $2) AS taken`, [budgetId, cents]);
    // Unreachable under the budget locks; the CHECK constraints would refuse it anyway.
    if (!row.taken) throw new Error(`match budget ${budgetId} cannot give ${cents} cents`);
  }

  /**
   * Gives allocations' cents back to their budgets, through this connection's stripe (the budget's
   * pool row stays free), one budget after the other in id order: the lock order of every take.
   */
  async returnToBudgets(em: EntityManager, allocations: Array<{ budgetId: string; amountCents: number }>): Promise<void> {
    const perBudget = new Map<string, number>();
    for (const a of allocations) if (a.amountCents > 0) perBudget.set(a.budgetId, (perBudget.get(a.budgetId) ?? 0) + a.amountCents);
    for (const [budgetId, cents] of [...perBudget].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      await em.query(`SELECT match_budget_give_back($1, $2)`, [budgetId, cents]);
    }
  }

  // ---- allocations ----

  /** Ratio match already taken by a campaign (reserved or confirmed). */
  async campaignRatioMatched(em: EntityManager, campaignId: string): Promise<number> {
    const rows: Array<{ s: string | null }> = await em.query(
      `SELECT sum(amount_cents) AS s FROM match_allocation WHERE campaign_id = $1 AND kind = 'ratio' AND status <> 'released'`,
      [campaignId],
    );
    return Number(rows[0]?.s ?? 0);
  }

  /** The same allocations as a WITH statement, to be written by the contribution's own INSERT. */
  allocationsTakenAtCommit(
    a: { tenantId: string; campaignId: string; contributionId: string },
    shares: Array<{ budgetId: string; amountCents: number }>,
  ): WithStatement {
    return {
      sql: (n) => `take AS (SELECT set_config('tremplin.match_take_at_commit', 'on', true)),
        allocations AS (INSERT INTO match_allocation (tenant_id, campaign_id, budget_id, contribution_id, kind, amount_cents, status)
          SELECT $${n}::uuid, $${n + 1}::uuid, s.budget_id, $${n + 2}::uuid, 'ratio', s.amount_cents, 'reserved'
            FROM take, unnest($${n + 3}::uuid[], $${n + 4}::bigint[]) AS s(budget_id, amount_cents))`,
      values: [a.tenantId, a.campaignId, a.contributionId, shares.map((s) => s.budgetId), shares.map((s) => s.amountCents)],
    };
  }

  /**
   * A contribution's reserved ratio allocations, whose budgets are decremented at COMMIT by the deferred
   * trigger `match_allocation_take_at_commit` (see its migration), in one statement that also turns the
   * trigger on for this transaction. The COMMIT fails with SQLSTATE MB001 when a budget falls short.
   */
  async insertAllocationsTakenAtCommit(
    em: EntityManager,
    a: { tenantId: string; campaignId: string; contributionId: string },
    shares: Array<{ budgetId: string; amountCents: number }>,
  ): Promise<void> {
    const allocations = this.allocationsTakenAtCommit(a, shares);
    // A WITH query's INSERT runs whether or not the main statement reads it.
    await prepared(em, `WITH ${allocations.sql(1)} SELECT 1`, allocations.values);
  }

  async insertAllocation(em: EntityManager, a: Omit<MatchAllocation, 'id' | 'createdAt'>): Promise<void> {
    await em.getRepository(MatchAllocation).insert(a);
  }

  allocationsOf(em: EntityManager, contributionId: string): Promise<MatchAllocation[]> {
    return em.getRepository(MatchAllocation).findBy({ contributionId });
  }

  async setAllocationsStatus(
    em: EntityManager,
    where: { contributionId?: string; campaignId?: string },
    from: string[],
    to: string,
  ): Promise<MatchAllocation[]> {
    const rows = returned<{ id: string; budget_id: string; amount_cents: string; kind: 'ratio' | 'grant' }>(
      await prepared(
        em,
        `UPDATE match_allocation SET status = $3 WHERE ${where.contributionId ? 'contribution_id' : 'campaign_id'} = $1 AND status = ANY($2)
       RETURNING id, budget_id, amount_cents, kind`,
        [where.contributionId ?? where.campaignId, from, to],
      ),
    );
    return rows.map((r) => ({ id: r.id, budgetId: r.budget_id, amountCents: Number(r.amount_cents), kind: r.kind }) as MatchAllocation);
  }

  async grantsPaid(em: EntityManager, campaignId: string): Promise<Set<string>> {
    const rows: Array<{ budget_id: string }> = await em.query(
      `SELECT budget_id FROM match_allocation WHERE campaign_id = $1 AND kind = 'grant' AND status <> 'released'`,
      [campaignId],
    );
    return new Set(rows.map((r) => r.budget_id));
  }

  // ---- partners (their tables belong to partners/: read here until it exports a read API) ----

  async isProgrammePartner(em: EntityManager, tenantId: string, programmeId: string, partnerId: string): Promise<boolean> {
    const rows: Array<{ id: string }> = await em.query(`SELECT id FROM partner WHERE tenant_id = $1 AND programme_id = $2 AND id = $3`, [
      tenantId,
      programmeId,
      partnerId,
    ]);
    return rows.length > 0;
  }

  programmePartners(em: EntityManager, tenantId: string, programmeId: string): Promise<Array<{ id: string; name: string }>> {
    return em.query(`SELECT id, name FROM partner WHERE tenant_id = $1 AND programme_id = $2 ORDER BY name`, [tenantId, programmeId]);
  }

  /** The partners matched with a laureate's application, for the campaign page. */
  async partnersOfApplication(
    em: EntityManager,
    tenantId: string,
    applicationId: string,
  ): Promise<Array<{ id: string; name: string; logoUrl: string | null; logo: StoredImage | null }>> {
    const rows: Array<{ id: string; name: string; logo_url: string | null; logo: StoredImage | null }> = await em.query(
      `SELECT p.id, p.name, p.logo_url, p.logo FROM partner_match m JOIN partner p ON p.id = m.partner_id WHERE m.application_id = $1 AND m.tenant_id = $2 ORDER BY p.name`,
      [applicationId, tenantId],
    );
    return rows.map((p) => ({ id: p.id, name: p.name, logoUrl: p.logo_url, logo: p.logo }));
  }
}
