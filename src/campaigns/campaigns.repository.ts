import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { assertInTransaction, columnsOf, hydrate, prepared } from '../common/db/prepared.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Campaign, CampaignSubscriber, CampaignUpdate, RewardTier } from './campaign.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (id: string | null | undefined): id is string => !!id && UUID.test(id);

/**
 * Campaigns, their rewards, subscribers and news. Each query takes the tenant id (or a row found through
 * it), so another tenant's ids find nothing. Contributions and match-funding have their own repositories.
 */
@Injectable()
export class CampaignsRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
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

  /** The campaign, locked (FOR UPDATE) until the transaction ends: on every confirmation, so prepared. */
  async lockFound(em: EntityManager, tenantId: string, id: string): Promise<Campaign> {
    assertInTransaction(em, 'lockFound');
    const c = isUuid(id)
      ? hydrate(
          em,
          Campaign,
          await prepared(em, `SELECT ${columnsOf(em, Campaign)} FROM campaign WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]),
        )[0]
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
    const qb = em.getRepository(Campaign).createQueryBuilder('c').where('c.tenant_id = :tenantId AND c.programme_id = :programmeId', { tenantId, programmeId });
    if (statuses) qb.andWhere('c.status IN (:...statuses)', { statuses });
    return qb.orderBy('c.title').getMany();
  }

  async insertCampaign(em: EntityManager, data: Partial<Campaign>): Promise<Campaign> {
    await em.query(
      `INSERT INTO campaign (tenant_id, programme_id, application_id, laureate_user_id, slug, title, summary, goal_cents)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8) ON CONFLICT (application_id) DO NOTHING RETURNING id`,
      [
        data.tenantId,
        data.programmeId,
        data.applicationId,
        data.laureateUserId,
        data.slug,
        JSON.stringify(data.title ?? {}),
        JSON.stringify(data.summary ?? {}),
        data.goalCents,
      ],
    );
    return (await this.byApplication(em, data.tenantId!, data.applicationId!))!;
  }

  async slugTaken(em: EntityManager, tenantId: string, programmeId: string, slug: string): Promise<boolean> {
    return !!(await em.getRepository(Campaign).findOneBy({ tenantId, programmeId, slug }));
  }

  async updateCampaign(em: EntityManager, id: string, patch: Partial<Campaign>): Promise<void> {
    if (Object.keys(patch).length) await em.getRepository(Campaign).update({ id }, patch as never);
  }

  /**
   * Opens every approved campaign of the programme at one instant, in the caller's transaction; only
   * those of `applicationIds` (the laureates still laureates: one withdrawn after approval stays closed).
   */
  async openApproved(em: EntityManager, tenantId: string, programmeId: string, at: Date, applicationIds: readonly string[]): Promise<Campaign[]> {
    await em.query(
      `UPDATE campaign SET status = 'live', opened_at = $3, updated_at = now()
        WHERE tenant_id = $1 AND programme_id = $2 AND status = 'approved' AND application_id = ANY($4::uuid[])`,
      [tenantId, programmeId, at, [...applicationIds]],
    );
    return this.ofProgramme(em, tenantId, programmeId, ['live']);
  }

  /** Counters of a confirmation, in one statement on the campaign row. */
  /**
   * A contribution confirmed: its contributor recorded (counted once per campaign) and the campaign's
   * counters moved, in one statement; returns the campaign as it now is.
   */
  async addConfirmedContribution(em: EntityManager, campaignId: string, emailKey: string, amountCents: number, matchedCents: number): Promise<Campaign> {
    const rows = await prepared(
      em,
      `WITH backer AS (INSERT INTO campaign_backer (campaign_id, email_key) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1)
       UPDATE campaign SET collected_cents = collected_cents + $3, matched_cents = matched_cents + $4,
              contribution_count = contribution_count + 1, contributor_count = contributor_count + (SELECT count(*)::int FROM backer), updated_at = now()
        WHERE id = $1 RETURNING ${columnsOf(em, Campaign)}`,
      [campaignId, emailKey, amountCents, matchedCents],
    );
    return hydrate(em, Campaign, rows)[0];
  }

  async addMatched(em: EntityManager, campaignId: string, cents: number): Promise<void> {
    await em.query(`UPDATE campaign SET matched_cents = matched_cents + $2, updated_at = now() WHERE id = $1`, [campaignId, cents]);
  }

  async removeBacker(em: EntityManager, campaignId: string, emailKey: string): Promise<void> {
    await em.query(`DELETE FROM campaign_backer WHERE campaign_id = $1 AND email_key = $2`, [campaignId, emailKey]);
  }

  /** Counters of a confirmed contribution taken back (a chargeback in the window), in one statement. */
  async subtractConfirmed(em: EntityManager, campaignId: string, amountCents: number, matchedCents: number, lastOfContributor: boolean): Promise<void> {
    await em.query(
      `UPDATE campaign SET collected_cents = collected_cents - $2, matched_cents = matched_cents - $3, contribution_count = contribution_count - 1,
              contributor_count = contributor_count - $4, updated_at = now() WHERE id = $1`,
      [campaignId, amountCents, matchedCents, lastOfContributor ? 1 : 0],
    );
  }

  // ---- rewards ----

  rewards(em: EntityManager, campaignIds: string[]): Promise<RewardTier[]> {
    if (!campaignIds.length) return Promise.resolve([]);
    return em.getRepository(RewardTier).createQueryBuilder('r').where('r.campaign_id IN (:...campaignIds)', { campaignIds }).orderBy('r.position').getMany();
  }

  async replaceRewards(
    em: EntityManager,
    campaign: Campaign,
    tiers: Array<Omit<RewardTier, 'id' | 'tenantId' | 'campaignId'> & { id?: string }>,
  ): Promise<void> {
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
    const rows = returned<{ min_amount_cents: string; match_eligible: boolean }>(
      await em.query(
        `UPDATE reward_tier SET remaining = remaining - 1 WHERE id = $1 AND campaign_id = $2 AND remaining > 0
       RETURNING min_amount_cents, match_eligible`,
        [rewardId, campaignId],
      ),
    );
    if (rows.length) return { minAmountCents: Number(rows[0].min_amount_cents), matchEligible: rows[0].match_eligible };
    const tier = await em.getRepository(RewardTier).findOneBy({ id: rewardId, campaignId });
    if (!tier) return null;
    if (tier.remaining === null) return { minAmountCents: tier.minAmountCents, matchEligible: tier.matchEligible };
    return 'sold_out';
  }

  async returnReward(em: EntityManager, rewardId: string): Promise<void> {
    await em.query(`UPDATE reward_tier SET remaining = remaining + 1 WHERE id = $1 AND remaining IS NOT NULL AND remaining < quantity`, [rewardId]);
  }

  // ---- the scheduler's reads, across tenants ----

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

  /** Live campaigns across tenants, with their programme's window (for the nudges). */
  async liveForNudges(): Promise<Array<Campaign & { opensAt: string | null; closesAt: string | null }>> {
    const rows: Array<{ id: string; tenant_id: string; opens_at: string | null; closes_at: string | null }> = await this.ds.query(
      `SELECT c.id, c.tenant_id, p.timeline->>'campaign' AS opens_at, p.timeline->>'settlement' AS closes_at
         FROM campaign c JOIN programme p ON p.id = c.programme_id WHERE c.status = 'live' AND p.phase = 'campaign'`,
    );
    if (!rows.length) return [];
    const campaigns = await this.ds
      .getRepository(Campaign)
      .createQueryBuilder('c')
      .where('c.id IN (:...ids)', { ids: rows.map((r) => r.id) })
      .getMany();
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
      `INSERT INTO campaign_update (tenant_id, campaign_id, author_user_id, title, body, idempotency_key, created_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)
       ON CONFLICT (campaign_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING RETURNING id`,
      [u.tenantId, u.campaignId, u.authorUserId, JSON.stringify(u.title), JSON.stringify(u.body), u.idempotencyKey, (u as { at?: Date }).at ?? new Date()],
    );
    return rows.length ? em.getRepository(CampaignUpdate).findOneBy({ id: rows[0].id }) : null;
  }

  async addPageViews(counts: Map<string, number>): Promise<void> {
    if (!counts.size) return;
    await this.ds.query(`UPDATE campaign c SET page_views = c.page_views + v.n FROM unnest($1::uuid[], $2::bigint[]) AS v(id, n) WHERE c.id = v.id`, [
      [...counts.keys()],
      [...counts.values()],
    ]);
  }
}

/** TypeORM answers UPDATE/DELETE ... RETURNING on PostgreSQL with [rows, count], INSERT ... RETURNING with rows. */
export function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}

export function rowCount(result: unknown): number {
  return returned(result).length;
}
