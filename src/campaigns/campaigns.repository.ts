import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import {
  Campaign, CampaignSettings, CampaignSubscriber, CampaignUpdate, Contribution, MatchAllocation, MatchBudget, RewardTier,
} from './campaign.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string | null | undefined): id is string => !!id && UUID.test(id);
const cents = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Every query of the campaigns module; each takes the tenant id, so another tenant's ids find nothing. */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  // ---- settings and budgets ----

  settings(em: EntityManager, tenantId: string, programmeId: string): Promise<CampaignSettings | null> {
    return em.getRepository(CampaignSettings).findOneBy({ tenantId, programmeId });
  }

  /** The settings row, created with defaults on first use (concurrent first uses end with one row). */
  async ensureSettings(em: EntityManager, tenantId: string, programmeId: string): Promise<CampaignSettings> {
    await em.query(
      `INSERT INTO campaign_settings (tenant_id, programme_id) VALUES ($1, $2) ON CONFLICT (tenant_id, programme_id) DO NOTHING`, [tenantId, programmeId],
    );
    return (await this.settings(em, tenantId, programmeId))!;
  }

  async updateSettings(em: EntityManager, id: string, patch: Partial<CampaignSettings>): Promise<void> {
    if (Object.keys(patch).length) await em.getRepository(CampaignSettings).update({ id }, patch as never);
  }

  /**
   * Resizes a budget in one statement, keeping what is already reserved or paid (total - remaining):
   * false when the new total would go below it (nothing changes then).
   */
  async resizeBudget(
    em: EntityManager, id: string,
    change: Pick<MatchBudget, 'totalCents' | 'scope' | 'grantCents' | 'grantThresholdPercent' | 'grantMinContributors'>,
  ): Promise<boolean> {
    // TypeORM answers an UPDATE with [rows, count].
    const [rows]: [unknown[], number] = await em.query(
      `UPDATE match_budget SET total_cents = $2::bigint, remaining_cents = $2::bigint - (total_cents - remaining_cents),
         scope = $3, grant_cents = $4::bigint, grant_threshold_percent = $5::int, grant_min_contributors = $6::int
       WHERE id = $1 AND $2::bigint >= total_cents - remaining_cents RETURNING id`,
      [id, change.totalCents, change.scope, change.grantCents, change.grantThresholdPercent, change.grantMinContributors],
    );
    return rows.length > 0;
  }

  budgets(em: EntityManager, tenantId: string, programmeId: string): Promise<MatchBudget[]> {
    return em.getRepository(MatchBudget).find({ where: { tenantId, programmeId }, order: { createdAt: 'ASC' } });
  }

  /**
   * The budgets of a kind that cover a campaign, locked in id order (every contribution to one campaign
   * locks the same rows in the same order: no deadlock, and caps read under the lock stay true).
   */
  async lockBudgetsFor(em: EntityManager, campaign: Pick<Campaign, 'tenantId' | 'programmeId' | 'applicationId'>, kind: 'ratio' | 'grant'): Promise<MatchBudget[]> {
    return em.getRepository(MatchBudget).createQueryBuilder('b')
      .where('b.tenant_id = :tenantId AND b.programme_id = :programmeId AND b.kind = :kind', { tenantId: campaign.tenantId, programmeId: campaign.programmeId, kind })
      .andWhere(`(b.scope = 'all' OR EXISTS (SELECT 1 FROM partner_match pm WHERE pm.partner_id = b.partner_id AND pm.application_id = :applicationId))`, { applicationId: campaign.applicationId })
      .orderBy('b.id').setLock('pessimistic_write').getMany();
  }

  async takeFromBudget(em: EntityManager, budgetId: string, cents: number): Promise<void> {
    const rows: unknown[] = await em.query(
      `UPDATE match_budget SET remaining_cents = remaining_cents - $2 WHERE id = $1 AND remaining_cents >= $2 RETURNING id`, [budgetId, cents],
    );
    // Unreachable under the budget locks; the CHECK constraint would refuse it anyway.
    if (!rowCount(rows)) throw new Error(`match budget ${budgetId} cannot give ${cents} cents`);
  }

  async returnToBudget(em: EntityManager, budgetId: string, cents: number): Promise<void> {
    await em.query(`UPDATE match_budget SET remaining_cents = remaining_cents + $2 WHERE id = $1`, [budgetId, cents]);
  }

  // ---- campaigns ----

  campaign(em: EntityManager, tenantId: string, id: string): Promise<Campaign | null> {
    return isUuid(id) ? em.getRepository(Campaign).findOneBy({ tenantId, id }) : Promise.resolve(null);
  }

  async found(em: EntityManager, tenantId: string, id: string): Promise<Campaign> {
    const c = await this.campaign(em, tenantId, id);
    if (!c) throw new DomainError('NOT_FOUND');
    return c;
  }

  async lockFound(em: EntityManager, tenantId: string, id: string): Promise<Campaign> {
    const c = isUuid(id)
      ? await em.getRepository(Campaign).createQueryBuilder('c').where('c.tenant_id = :tenantId AND c.id = :id', { tenantId, id }).setLock('pessimistic_write').getOne()
      : null;
    if (!c) throw new DomainError('NOT_FOUND');
    return c;
  }

  bySlug(em: EntityManager, tenantId: string, programmeId: string, slug: string): Promise<Campaign | null> {
    return em.getRepository(Campaign).findOneBy({ tenantId, programmeId, slug });
  }

  byApplication(em: EntityManager, tenantId: string, applicationId: string): Promise<Campaign | null> {
    return em.getRepository(Campaign).findOneBy({ tenantId, applicationId });
  }

  ofProgramme(em: EntityManager, tenantId: string, programmeId: string, statuses?: string[]): Promise<Campaign[]> {
    const qb = em.getRepository(Campaign).createQueryBuilder('c')
      .where('c.tenant_id = :tenantId AND c.programme_id = :programmeId', { tenantId, programmeId });
    if (statuses) qb.andWhere('c.status IN (:...statuses)', { statuses });
    return qb.orderBy('c.title').getMany();
  }

  async insertCampaign(em: EntityManager, data: Partial<Campaign>): Promise<Campaign> {
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO campaign (tenant_id, programme_id, application_id, laureate_user_id, slug, title, summary, goal_cents)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (application_id) DO NOTHING RETURNING id`,
      [data.tenantId, data.programmeId, data.applicationId, data.laureateUserId, data.slug, data.title, data.summary ?? '', data.goalCents],
    );
    return (await this.byApplication(em, data.tenantId!, data.applicationId!))!;
  }

  async slugTaken(em: EntityManager, tenantId: string, programmeId: string, slug: string): Promise<boolean> {
    return !!(await em.getRepository(Campaign).findOneBy({ tenantId, programmeId, slug }));
  }

  async updateCampaign(em: EntityManager, id: string, patch: Partial<Campaign>): Promise<void> {
    if (Object.keys(patch).length) await em.getRepository(Campaign).update({ id }, patch as never);
  }

  /** Opens every approved campaign of the programme at one instant, in the caller's transaction. */
  async openApproved(em: EntityManager, tenantId: string, programmeId: string, at: Date): Promise<Campaign[]> {
    await em.query(
      `UPDATE campaign SET status = 'live', opened_at = $3, updated_at = now() WHERE tenant_id = $1 AND programme_id = $2 AND status = 'approved'`,
      [tenantId, programmeId, at],
    );
    return this.ofProgramme(em, tenantId, programmeId, ['live']);
  }

  /** Counters of a confirmation, in one statement on the campaign row. */
  async addConfirmed(em: EntityManager, campaignId: string, amountCents: number, matchedCents: number, newContributor: boolean): Promise<Campaign> {
    await em.query(
      `UPDATE campaign SET collected_cents = collected_cents + $2, matched_cents = matched_cents + $3,
              contribution_count = contribution_count + 1, contributor_count = contributor_count + $4, updated_at = now()
        WHERE id = $1`,
      [campaignId, amountCents, matchedCents, newContributor ? 1 : 0],
    );
    return (await em.getRepository(Campaign).findOneBy({ id: campaignId }))!;
  }

  async addMatched(em: EntityManager, campaignId: string, cents: number): Promise<void> {
    await em.query(`UPDATE campaign SET matched_cents = matched_cents + $2 WHERE id = $1`, [campaignId, cents]);
  }

  /** Records a distinct contributor; true when this e-mail is new for the campaign. */
  async addBacker(em: EntityManager, campaignId: string, emailKey: string): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO campaign_backer (campaign_id, email_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id`, [campaignId, emailKey],
    );
    return rowCount(rows) > 0;
  }

  /**
   * What a contribution needs to know, in one statement: the campaign, its programme's phase and
   * timeline, and the programme's collection settings (null when staff never saved any).
   */
  async contributionContext(em: EntityManager, tenantId: string, campaignId: string): Promise<{
    campaign: Pick<Campaign, 'id' | 'tenantId' | 'programmeId' | 'applicationId' | 'status' | 'title'>;
    phase: string; timeline: Record<string, string>; settings: CampaignSettings | null;
  }> {
    if (!isUuid(campaignId)) throw new DomainError('NOT_FOUND');
    const [row]: Array<Record<string, unknown>> = await em.query(
      `SELECT c.id, c.programme_id, c.application_id, c.status, c.title, p.phase, p.timeline, s.id AS settings_id,
              s.payment_provider, s.settlement_policy, s.match_counts_toward_goal, s.pending_grace_hours, s.match_factor_percent,
              s.match_cap_per_contribution_cents, s.match_cap_per_campaign_cents, s.match_max_per_contributor, s.match_only_listed_rewards
         FROM campaign c JOIN programme p ON p.id = c.programme_id AND p.tenant_id = c.tenant_id
         LEFT JOIN campaign_settings s ON s.programme_id = c.programme_id AND s.tenant_id = c.tenant_id
        WHERE c.tenant_id = $1 AND c.id = $2`,
      [tenantId, campaignId],
    );
    if (!row) throw new DomainError('NOT_FOUND');
    return {
      campaign: {
        id: row.id as string, tenantId, programmeId: row.programme_id as string, applicationId: row.application_id as string,
        status: row.status as Campaign['status'], title: row.title as string,
      },
      phase: row.phase as string,
      timeline: (row.timeline ?? {}) as Record<string, string>,
      settings: row.settings_id ? {
        id: row.settings_id as string, tenantId, programmeId: row.programme_id as string, updatedAt: new Date(0),
        paymentProvider: row.payment_provider as CampaignSettings['paymentProvider'], settlementPolicy: row.settlement_policy as CampaignSettings['settlementPolicy'],
        matchCountsTowardGoal: row.match_counts_toward_goal as boolean, pendingGraceHours: row.pending_grace_hours as number,
        matchFactorPercent: row.match_factor_percent as number, matchCapPerContributionCents: cents(row.match_cap_per_contribution_cents),
        matchCapPerCampaignCents: cents(row.match_cap_per_campaign_cents), matchMaxPerContributor: row.match_max_per_contributor as number | null,
        matchOnlyListedRewards: row.match_only_listed_rewards as boolean,
      } as CampaignSettings : null,
    };
  }

  // ---- rewards ----

  rewards(em: EntityManager, campaignIds: string[]): Promise<RewardTier[]> {
    if (!campaignIds.length) return Promise.resolve([]);
    return em.getRepository(RewardTier).createQueryBuilder('r').where('r.campaign_id IN (:...campaignIds)', { campaignIds }).orderBy('r.position').getMany();
  }

  async replaceRewards(em: EntityManager, campaign: Campaign, tiers: Array<Omit<RewardTier, 'id' | 'tenantId' | 'campaignId'> & { id?: string }>): Promise<void> {
    const existing = await this.rewards(em, [campaign.id]);
    const kept = new Set(tiers.map((t) => t.id).filter(Boolean));
    for (const old of existing) if (!kept.has(old.id)) await em.getRepository(RewardTier).delete({ id: old.id });
    for (const t of tiers) {
      const row = { ...t, tenantId: campaign.tenantId, campaignId: campaign.id };
      if (t.id && existing.some((e) => e.id === t.id)) await em.getRepository(RewardTier).update({ id: t.id }, row);
      else await em.getRepository(RewardTier).insert({ ...row, id: undefined });
    }
  }

  /** Takes one from a reward's stock if any is left; null when sold out or not this campaign's reward. */
  async takeReward(em: EntityManager, campaignId: string, rewardId: string): Promise<{ minAmountCents: number; matchEligible: boolean } | 'sold_out' | null> {
    if (!isUuid(rewardId)) return null;
    const rows = returned<{ min_amount_cents: string; match_eligible: boolean }>(await em.query(
      `UPDATE reward_tier SET remaining = remaining - 1 WHERE id = $1 AND campaign_id = $2 AND remaining > 0
       RETURNING min_amount_cents, match_eligible`, [rewardId, campaignId],
    ));
    if (rows.length) return { minAmountCents: Number(rows[0].min_amount_cents), matchEligible: rows[0].match_eligible };
    const tier = await em.getRepository(RewardTier).findOneBy({ id: rewardId, campaignId });
    if (!tier) return null;
    if (tier.remaining === null) return { minAmountCents: tier.minAmountCents, matchEligible: tier.matchEligible };
    return 'sold_out';
  }

  async returnReward(em: EntityManager, rewardId: string): Promise<void> {
    await em.query(`UPDATE reward_tier SET remaining = remaining + 1 WHERE id = $1 AND remaining IS NOT NULL AND remaining < quantity`, [rewardId]);
  }

  // ---- contributions ----

  contributionByKey(em: EntityManager, tenantId: string, idempotencyKey: string): Promise<Contribution | null> {
    return em.getRepository(Contribution).findOneBy({ tenantId, idempotencyKey });
  }

  contribution(em: EntityManager, tenantId: string, id: string): Promise<Contribution | null> {
    return isUuid(id) ? em.getRepository(Contribution).findOneBy({ tenantId, id }) : Promise.resolve(null);
  }

  async lockContribution(em: EntityManager, where: { tenantId: string; id?: string; confirmTokenHash?: string }): Promise<Contribution | null> {
    if (where.id !== undefined && !isUuid(where.id)) return null;
    const qb = em.getRepository(Contribution).createQueryBuilder('c').where('c.tenant_id = :tenantId', { tenantId: where.tenantId });
    if (where.id) qb.andWhere('c.id = :id', { id: where.id });
    if (where.confirmTokenHash) qb.andWhere('c.confirm_token_hash = :h', { h: where.confirmTokenHash });
    return qb.setLock('pessimistic_write').getOne();
  }

  /** A plain INSERT … RETURNING (save() would first look the row up by its id). */
  async insertContribution(em: EntityManager, c: Partial<Contribution>): Promise<Contribution> {
    const entity = em.getRepository(Contribution).create(c);
    await em.getRepository(Contribution).insert(entity);
    // The RETURNING merge brings bigint columns back as strings: the values we sent are the truth.
    return Object.assign(entity, c);
  }

  async updateContribution(em: EntityManager, id: string, patch: Partial<Contribution>): Promise<void> {
    await em.getRepository(Contribution).update({ id }, patch as never);
  }

  /** Ratio match already taken by a campaign (reserved or confirmed). */
  async campaignRatioMatched(em: EntityManager, campaignId: string): Promise<number> {
    const rows: Array<{ s: string | null }> = await em.query(
      `SELECT sum(amount_cents) AS s FROM match_allocation WHERE campaign_id = $1 AND kind = 'ratio' AND status <> 'released'`, [campaignId],
    );
    return Number(rows[0]?.s ?? 0);
  }

  async contributorMatchedCount(em: EntityManager, campaignId: string, emailKey: string): Promise<number> {
    const rows: Array<{ n: number }> = await em.query(
      `SELECT count(*)::int AS n FROM contribution WHERE campaign_id = $1 AND email_key = $2 AND matched_cents > 0 AND status IN ('pending', 'confirmed')`,
      [campaignId, emailKey],
    );
    return rows[0]?.n ?? 0;
  }

  async insertAllocation(em: EntityManager, a: Omit<MatchAllocation, 'id' | 'createdAt'>): Promise<void> {
    await em.getRepository(MatchAllocation).insert(a);
  }

  allocationsOf(em: EntityManager, contributionId: string): Promise<MatchAllocation[]> {
    return em.getRepository(MatchAllocation).findBy({ contributionId });
  }

  async setAllocationsStatus(em: EntityManager, where: { contributionId?: string; campaignId?: string }, from: string[], to: string): Promise<MatchAllocation[]> {
    const rows = returned<{ id: string; budget_id: string; amount_cents: string; kind: 'ratio' | 'grant' }>(await em.query(
      `UPDATE match_allocation SET status = $3 WHERE ${where.contributionId ? 'contribution_id' : 'campaign_id'} = $1 AND status = ANY($2)
       RETURNING id, budget_id, amount_cents, kind`,
      [where.contributionId ?? where.campaignId, from, to],
    ));
    return rows.map((r) => ({ id: r.id, budgetId: r.budget_id, amountCents: Number(r.amount_cents), kind: r.kind }) as MatchAllocation);
  }

  async grantsPaid(em: EntityManager, campaignId: string): Promise<Set<string>> {
    const rows: Array<{ budget_id: string }> = await em.query(
      `SELECT budget_id FROM match_allocation WHERE campaign_id = $1 AND kind = 'grant' AND status <> 'released'`, [campaignId],
    );
    return new Set(rows.map((r) => r.budget_id));
  }

  async pendingCount(em: EntityManager, campaignId: string): Promise<number> {
    const rows: Array<{ n: number }> = await em.query(`SELECT count(*)::int AS n FROM contribution WHERE campaign_id = $1 AND status = 'pending'`, [campaignId]);
    return rows[0]?.n ?? 0;
  }

  /** Moves every contribution of a campaign in `from` to `to`; returns them. */
  async moveContributions(em: EntityManager, campaignId: string, from: string, to: string, at: Date): Promise<Contribution[]> {
    const rows = returned<{ id: string }>(await em.query(
      `UPDATE contribution SET status = $3, updated_at = now(), ended_at = CASE WHEN $3 = 'refunded' THEN $4::timestamptz ELSE ended_at END
        WHERE campaign_id = $1 AND status = $2 RETURNING id`,
      [campaignId, from, to, at],
    ));
    if (!rows.length) return [];
    return em.getRepository(Contribution).createQueryBuilder('c').where('c.id IN (:...ids)', { ids: rows.map((r) => r.id) }).getMany();
  }

  contributionsOf(em: EntityManager, campaignId: string, statuses: string[]): Promise<Contribution[]> {
    return em.getRepository(Contribution).createQueryBuilder('c')
      .where('c.campaign_id = :campaignId AND c.status IN (:...statuses)', { campaignId, statuses }).orderBy('c.created_at').getMany();
  }

  /** Pending contributions past their grace period, across tenants (the scheduler's query). */
  async expiredPending(now: Date, limit = 200): Promise<Array<{ id: string; tenantId: string }>> {
    const rows: Array<{ id: string; tenant_id: string }> = await this.ds.query(
      `SELECT id, tenant_id FROM contribution WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2`, [now, limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  /** Campaigns to settle: live in a closed programme, or awaiting funds with nothing pending any more. */
  async toSettle(limit = 100): Promise<Array<{ id: string; tenantId: string }>> {
    const rows: Array<{ id: string; tenant_id: string }> = await this.ds.query(
      `SELECT c.id, c.tenant_id FROM campaign c JOIN programme p ON p.id = c.programme_id
        WHERE (c.status = 'live' AND p.phase IN ('settlement', 'results'))
           OR (c.status = 'awaiting_funds' AND NOT EXISTS (SELECT 1 FROM contribution x WHERE x.campaign_id = c.id AND x.status = 'pending'))
        LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  async refundsDue(limit = 200): Promise<Array<{ id: string; tenantId: string }>> {
    const rows: Array<{ id: string; tenant_id: string }> = await this.ds.query(
      // ended_at on a refund still due marks the refund as asked of the provider (asked once).
      `SELECT id, tenant_id FROM contribution WHERE status = 'refund_due' AND ended_at IS NULL ORDER BY updated_at LIMIT $1`, [limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  /** Live campaigns across tenants, with their programme's window (for the nudges). */
  async liveForNudges(): Promise<Array<Campaign & { opensAt: string | null; closesAt: string | null }>> {
    const rows: Array<{ id: string; tenant_id: string; opens_at: string | null; closes_at: string | null }> = await this.ds.query(
      `SELECT c.id, c.tenant_id, p.timeline->>'campaign' AS opens_at, p.timeline->>'settlement' AS closes_at
         FROM campaign c JOIN programme p ON p.id = c.programme_id WHERE c.status = 'live' AND p.phase = 'campaign'`,
    );
    if (!rows.length) return [];
    const campaigns = await this.ds.getRepository(Campaign).createQueryBuilder('c').where('c.id IN (:...ids)', { ids: rows.map((r) => r.id) }).getMany();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return campaigns.map((c) => ({ ...c, opensAt: byId.get(c.id)!.opens_at, closesAt: byId.get(c.id)!.closes_at }));
  }

  // ---- subscribers and updates ----

  async subscribe(em: EntityManager, s: Pick<CampaignSubscriber, 'tenantId' | 'campaignId' | 'email' | 'emailKey' | 'locale'>): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `INSERT INTO campaign_subscriber (tenant_id, campaign_id, email, email_key, locale) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (campaign_id, email_key) DO NOTHING RETURNING id`,
      [s.tenantId, s.campaignId, s.email, s.emailKey, s.locale],
    );
    return rowCount(rows) > 0;
  }

  subscribers(em: EntityManager, campaignIds: string[]): Promise<CampaignSubscriber[]> {
    if (!campaignIds.length) return Promise.resolve([]);
    return em.getRepository(CampaignSubscriber).createQueryBuilder('s').where('s.campaign_id IN (:...campaignIds)', { campaignIds }).getMany();
  }

  updates(em: EntityManager, campaignId: string): Promise<CampaignUpdate[]> {
    return em.getRepository(CampaignUpdate).find({ where: { campaignId }, order: { createdAt: 'DESC' } });
  }

  async insertUpdate(em: EntityManager, u: Omit<CampaignUpdate, 'id' | 'createdAt'>): Promise<CampaignUpdate | null> {
    const rows: Array<{ id: string }> = await em.query(
      `INSERT INTO campaign_update (tenant_id, campaign_id, author_user_id, title, body, idempotency_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (campaign_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`,
      [u.tenantId, u.campaignId, u.authorUserId, u.title, u.body, u.idempotencyKey, (u as { at?: Date }).at ?? new Date()],
    );
    return rows.length ? em.getRepository(CampaignUpdate).findOneBy({ id: rows[0].id }) : null;
  }

  /** One row per distinct e-mail among a campaign's confirmed contributions (for updates). */
  async contributorsToWrite(em: EntityManager, campaignId: string): Promise<Array<{ email: string; emailKey: string; locale: 'fr' | 'en'; displayName: string | null }>> {
    const rows: Array<{ email: string; email_key: string; locale: 'fr' | 'en'; display_name: string | null }> = await em.query(
      `SELECT DISTINCT ON (email_key) email, email_key, locale, display_name FROM contribution
        WHERE campaign_id = $1 AND status = 'confirmed' ORDER BY email_key, created_at DESC`, [campaignId],
    );
    return rows.map((r) => ({ email: r.email, emailKey: r.email_key, locale: r.locale, displayName: r.display_name }));
  }

  async addPageViews(counts: Map<string, number>): Promise<void> {
    if (!counts.size) return;
    await this.ds.query(
      `UPDATE campaign c SET page_views = c.page_views + v.n FROM unnest($1::uuid[], $2::bigint[]) AS v(id, n) WHERE c.id = v.id`,
      [[...counts.keys()], [...counts.values()]],
    );
  }

  /** Receipt numbers from one sequence (see the migration): unique without locking anything. */
  async nextReceiptNumber(em: EntityManager, year: number): Promise<string> {
    const rows: Array<{ n: string }> = await em.query(`SELECT nextval('contribution_receipt_seq') AS n`);
    return `C${year}-${rows[0].n.padStart(7, '0')}`;
  }
}

/** TypeORM answers UPDATE/DELETE ... RETURNING on PostgreSQL with [rows, count], INSERT ... RETURNING with rows. */
export function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

function rowCount(result: unknown): number {
  return returned(result).length;
}
