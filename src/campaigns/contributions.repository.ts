import { containsPattern } from '../common/db/like.js';
import type { Locale, Localized } from '../common/i18n/localized.js';
import type { ContributionStatus } from './domain/states.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { assertInTransaction, columnsOf, hydrate, insertReturning, prepared, type WithStatement } from '../common/db/prepared.js';
import { DomainError } from '../common/errors/domain-error.js';
import { type Campaign, CampaignSettings, Contribution } from './campaign.entity.js';
import { isUuid, returned } from './campaigns.repository.js';
import { RATIO_BUDGETS_SNAPSHOT } from './match-funding.repository.js';

const cents = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export type StaffContributionSort = 'date' | 'amount' | 'matched' | 'status' | 'campaign' | 'contributor';

/** A contribution as staff see it in the programme's list. */
export interface StaffContributionRow {
  id: string;
  campaignId: string;
  campaignTitle: Localized;
  status: ContributionStatus;
  amountCents: number;
  matchedCents: number;
  email: string;
  displayName: string | null;
  anonymous: boolean;
  receiptNumber: string | null;
  createdAt: Date;
  confirmedAt: Date | null;
  provider: string;
}

/** A row of the programme's contributions export. */
export type ContributionExportRow = Record<string, string | number | boolean | Date | null>;

/**
 * Contributions and the payment provider's events about them. Every query takes the tenant id or a
 * row found through it; the scheduler's reads across tenants are marked as such.
 */
@Injectable()
export class ContributionsRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  /**
   * What a contribution needs to know, in one statement: the campaign, its programme's phase and
   * timeline, the programme's collection settings (null when staff never saved any), the authority's
   * own checkout page for the webhook provider (null: none set) and, when the programme matches, a
   * snapshot of the ratio budgets that cover the campaign (null: it does not).
   */
  async contributionContext(
    em: EntityManager,
    tenantId: string,
    campaignId: string,
  ): Promise<{
    campaign: Pick<Campaign, 'id' | 'tenantId' | 'programmeId' | 'applicationId' | 'status' | 'title'>;
    phase: string;
    timeline: Record<string, string>;
    settings: CampaignSettings | null;
    webhookCheckoutUrl: string | null;
    ratioBudgets: Array<{ id: string; remainingCents: number }> | null;
  }> {
    if (!isUuid(campaignId)) throw new DomainError('NOT_FOUND');
    const [row] = await prepared(
      em,
      `SELECT c.id, c.programme_id, c.application_id, c.status, c.title, p.phase, p.timeline, s.id AS settings_id,
              s.payment_provider, s.settlement_policy, s.match_counts_toward_goal, s.pending_grace_hours, s.match_factor_percent,
              s.match_cap_per_contribution_cents, s.match_cap_per_campaign_cents, s.match_max_per_contributor, s.match_only_listed_rewards,
              ps.checkout_url AS webhook_checkout_url, ${RATIO_BUDGETS_SNAPSHOT} AS ratio_budgets
         FROM campaign c JOIN programme p ON p.id = c.programme_id AND p.tenant_id = c.tenant_id
         LEFT JOIN campaign_settings s ON s.programme_id = c.programme_id AND s.tenant_id = c.tenant_id
         LEFT JOIN payment_settings ps ON ps.tenant_id = c.tenant_id AND ps.provider = 'webhook'
        WHERE c.tenant_id = $1 AND c.id = $2`,
      [tenantId, campaignId],
    );
    if (!row) throw new DomainError('NOT_FOUND');
    return {
      campaign: {
        id: row.id as string,
        tenantId,
        programmeId: row.programme_id as string,
        applicationId: row.application_id as string,
        status: row.status as Campaign['status'],
        title: row.title as Campaign['title'],
      },
      phase: row.phase as string,
      timeline: (row.timeline ?? {}) as Record<string, string>,
      settings: row.settings_id
        ? ({
            id: row.settings_id as string,
            tenantId,
            programmeId: row.programme_id as string,
            updatedAt: new Date(0),
            paymentProvider: row.payment_provider as CampaignSettings['paymentProvider'],
            settlementPolicy: row.settlement_policy as CampaignSettings['settlementPolicy'],
            matchCountsTowardGoal: row.match_counts_toward_goal as boolean,
            pendingGraceHours: row.pending_grace_hours as number,
            matchFactorPercent: row.match_factor_percent as number,
            matchCapPerContributionCents: cents(row.match_cap_per_contribution_cents),
            matchCapPerCampaignCents: cents(row.match_cap_per_campaign_cents),
            matchMaxPerContributor: row.match_max_per_contributor as number | null,
            matchOnlyListedRewards: row.match_only_listed_rewards as boolean,
          } as CampaignSettings)
        : null,
      webhookCheckoutUrl: (row.webhook_checkout_url as string | null) ?? null,
      ratioBudgets: row.ratio_budgets
        ? (row.ratio_budgets as Array<{ id: string; remaining: number | string }>).map((b) => ({ id: b.id, remainingCents: Number(b.remaining) }))
        : null,
    };
  }

  /**
   * Serialises the attempts that carry one idempotency key until the transaction ends: a retry racing
   * its own first attempt waits for it, then finds it.
   */
  async lockedContributionByKey(em: EntityManager, tenantId: string, idempotencyKey: string): Promise<Contribution | null> {
    // One round trip: the function takes the lock, then reads with a snapshot taken after it (see its migration).
    const rows = await prepared(em, `SELECT ${columnsOf(em, Contribution)} FROM contribution_by_key_locked($1, $2, $3)`, [
      `contribution:${tenantId}:${idempotencyKey}`,
      tenantId,
      idempotencyKey,
    ]);
    return hydrate(em, Contribution, rows)[0] ?? null;
  }

  contributionByKey(em: EntityManager, tenantId: string, idempotencyKey: string): Promise<Contribution | null> {
    return em.getRepository(Contribution).findOneBy({ tenantId, idempotencyKey });
  }

  contribution(em: EntityManager, tenantId: string, id: string): Promise<Contribution | null> {
    return isUuid(id) ? em.getRepository(Contribution).findOneBy({ tenantId, id }) : Promise.resolve(null);
  }

  async lockContribution(em: EntityManager, where: { tenantId: string; id?: string; confirmTokenHash?: string }): Promise<Contribution | null> {
    assertInTransaction(em, 'lockContribution');
    if (where.id !== undefined && !isUuid(where.id)) return null;
    // By id: each payment event's look-up (prepared).
    if (where.id && !where.confirmTokenHash) {
      const rows = await prepared(em, `SELECT ${columnsOf(em, Contribution)} FROM contribution WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [
        where.tenantId,
        where.id,
      ]);
      return hydrate(em, Contribution, rows)[0] ?? null;
    }
    const qb = em.getRepository(Contribution).createQueryBuilder('c').where('c.tenant_id = :tenantId', { tenantId: where.tenantId });
    if (where.id) qb.andWhere('c.id = :id', { id: where.id });
    if (where.confirmTokenHash) qb.andWhere('c.confirm_token_hash = :h', { h: where.confirmTokenHash });
    return qb.setLock('pessimistic_write').getOne();
  }

  /**
   * A plain INSERT … RETURNING, prepared (save() would first look the row up by its id); `also`: rows
   * written with it in the same statement (its match allocations).
   */
  insertContribution(em: EntityManager, c: Partial<Contribution>, also?: WithStatement): Promise<Contribution> {
    return insertReturning(em, Contribution, c, also);
  }

  /** Whether a dispute (chargeback) is what refunded the contribution (its `charge.dispute.created` was applied). */
  async refundedByDispute(em: EntityManager, contributionId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM payment_event WHERE contribution_id = $1 AND provider = 'stripe' AND type = 'charge.dispute.created' AND outcome = 'refunded' LIMIT 1`,
      [contributionId],
    );
    return rows.length > 0;
  }

  /** A contribution that failed at its provider's start, pending again under the same id (its request retried). */
  async restartContribution(em: EntityManager, c: Partial<Contribution> & { id: string }): Promise<Contribution> {
    const { id, ...patch } = c;
    await em.getRepository(Contribution).update({ id }, patch as never);
    return (await em.getRepository(Contribution).findOneByOrFail({ id }))!;
  }

  async updateContribution(em: EntityManager, id: string, patch: Partial<Contribution>): Promise<void> {
    await em.getRepository(Contribution).update({ id }, patch as never);
  }

  async contributorMatchedCount(em: EntityManager, campaignId: string, emailKey: string): Promise<number> {
    const rows: Array<{ n: number }> = await em.query(
      `SELECT count(*)::int AS n FROM contribution WHERE campaign_id = $1 AND email_key = $2 AND matched_cents > 0 AND status IN ('pending', 'confirmed')`,
      [campaignId, emailKey],
    );
    return rows[0]?.n ?? 0;
  }

  /** Whether the contributor of `c` has another confirmed contribution to the same campaign. */
  async hasOtherConfirmed(em: EntityManager, c: Pick<Contribution, 'id' | 'campaignId' | 'emailKey'>): Promise<boolean> {
    const others: Array<{ n: number }> = await em.query(
      `SELECT count(*)::int AS n FROM contribution WHERE campaign_id = $1 AND email_key = $2 AND status = 'confirmed' AND id <> $3`,
      [c.campaignId, c.emailKey, c.id],
    );
    return others[0].n !== 0;
  }

  async pendingCount(em: EntityManager, campaignId: string): Promise<number> {
    const rows: Array<{ n: number }> = await em.query(`SELECT count(*)::int AS n FROM contribution WHERE campaign_id = $1 AND status = 'pending'`, [
      campaignId,
    ]);
    return rows[0]?.n ?? 0;
  }

  /** Moves every contribution of a campaign in `from` to `to`; returns them. */
  async moveContributions(em: EntityManager, campaignId: string, from: string, to: string, at: Date): Promise<Contribution[]> {
    const rows = returned<{ id: string }>(
      await em.query(
        `UPDATE contribution SET status = $3, updated_at = now(), ended_at = CASE WHEN $3 = 'refunded' THEN $4::timestamptz ELSE ended_at END
        WHERE campaign_id = $1 AND status = $2 RETURNING id`,
        [campaignId, from, to, at],
      ),
    );
    if (!rows.length) return [];
    return em
      .getRepository(Contribution)
      .createQueryBuilder('c')
      .where('c.id IN (:...ids)', { ids: rows.map((r) => r.id) })
      .getMany();
  }

  contributionsOf(em: EntityManager, campaignId: string, statuses: string[]): Promise<Contribution[]> {
    return em
      .getRepository(Contribution)
      .createQueryBuilder('c')
      .where('c.campaign_id = :campaignId AND c.status IN (:...statuses)', { campaignId, statuses })
      .orderBy('c.created_at')
      .getMany();
  }

  /** One row per distinct e-mail among a campaign's confirmed contributions (for updates). */
  async contributorsToWrite(
    em: EntityManager,
    campaignId: string,
  ): Promise<Array<{ email: string; emailKey: string; locale: Locale; displayName: string | null }>> {
    const rows: Array<{ email: string; email_key: string; locale: Locale; display_name: string | null }> = await em.query(
      `SELECT DISTINCT ON (email_key) email, email_key, locale, display_name FROM contribution
        WHERE campaign_id = $1 AND status = 'confirmed' ORDER BY email_key, created_at DESC`,
      [campaignId],
    );
    return rows.map((r) => ({ email: r.email, emailKey: r.email_key, locale: r.locale, displayName: r.display_name }));
  }

  /** Every contribution of a programme with its campaign's slug, oldest first, optionally of one status. */
  programmeExport(tenantId: string, programmeId: string, status: string | null): Promise<ContributionExportRow[]> {
    return this.ds.query(
      `SELECT x.id, c.slug, x.status, x.provider, x.provider_ref, x.amount_cents, x.matched_cents, x.email, x.display_name, x.anonymous,
              x.receipt_number, x.created_at, x.confirmed_at, x.ended_at
         FROM contribution x JOIN campaign c ON c.id = x.campaign_id
        WHERE x.tenant_id = $1 AND x.programme_id = $2 AND ($3::text IS NULL OR x.status = $3) ORDER BY x.created_at`,
      [tenantId, programmeId, status],
    );
  }

  /**
   * One page of a programme's contributions for staff (filters, a whitelisted sort, the total), and the
   * count per status for the same campaign and search, so that the filter can say how many of each.
   */
  async staffList(
    tenantId: string,
    programmeId: string,
    f: { campaignId?: string; status?: string; q?: string; sort: StaffContributionSort; dir: 'asc' | 'desc'; limit: number; offset: number },
  ): Promise<{ rows: StaffContributionRow[]; total: number; byStatus: Record<string, number> }> {
    const where = [`x.tenant_id = $1`, `x.programme_id = $2`];
    const args: unknown[] = [tenantId, programmeId];
    if (f.campaignId) where.push(`x.campaign_id = $${args.push(f.campaignId)}`);
    if (f.q) {
      const n = args.push(containsPattern(f.q.toLowerCase()));
      where.push(`(x.email_key LIKE $${n} OR lower(coalesce(x.display_name, '')) LIKE $${n} OR lower(coalesce(x.receipt_number, '')) LIKE $${n})`);
    }
    const counts: Array<{ status: string; n: string }> = await this.ds.query(
      `SELECT x.status, count(*) AS n FROM contribution x WHERE ${where.join(' AND ')} GROUP BY x.status`,
      args,
    );
    const byStatus = Object.fromEntries(counts.map((c) => [c.status, Number(c.n)]));
    if (f.status) where.push(`x.status = $${args.push(f.status)}`);
    const total = f.status ? (byStatus[f.status] ?? 0) : Object.values(byStatus).reduce((a, b) => a + b, 0);
    const order = {
      date: 'x.created_at',
      amount: 'x.amount_cents',
      matched: 'x.matched_cents',
      status: 'x.status',
      campaign: 'c.slug',
      contributor: 'lower(coalesce(x.display_name, x.email))',
    }[f.sort];
    const dir = f.dir === 'asc' ? 'ASC' : 'DESC';
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT x.id, x.campaign_id, c.title, x.status, x.amount_cents, x.matched_cents, x.email, x.display_name, x.anonymous,
              x.receipt_number, x.created_at, x.confirmed_at, x.provider
         FROM contribution x JOIN campaign c ON c.id = x.campaign_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${order} ${dir}, x.created_at DESC, x.id
        LIMIT $${args.push(f.limit)} OFFSET $${args.push(f.offset)}`,
      args,
    );
    return {
      total,
      byStatus,
      rows: rows.map((r) => ({
        id: String(r.id),
        campaignId: String(r.campaign_id),
        campaignTitle: r.title as Localized,
        status: r.status as ContributionStatus,
        amountCents: Number(r.amount_cents),
        matchedCents: Number(r.matched_cents),
        email: String(r.email),
        displayName: (r.display_name as string | null) ?? null,
        anonymous: Boolean(r.anonymous),
        receiptNumber: (r.receipt_number as string | null) ?? null,
        createdAt: r.created_at as Date,
        confirmedAt: (r.confirmed_at as Date | null) ?? null,
        provider: String(r.provider),
      })),
    };
  }

  /**
   * A pending contribution confirmed at `at`, with the next receipt number (`C<year>-0000042`: at least
   * seven digits from one sequence, see the migration: unique without locking anything), in one
   * statement; returns the receipt number.
   */
  async confirmWithReceipt(em: EntityManager, id: string, at: Date, year: number): Promise<string> {
    const rows = await prepared<{ receipt_number: string }>(
      em,
      `UPDATE contribution SET status = 'confirmed', confirmed_at = $2, updated_at = CURRENT_TIMESTAMP,
              receipt_number = (SELECT 'C' || $3::text || '-' || CASE WHEN length(n) < 7 THEN lpad(n, 7, '0') ELSE n END
                                  FROM (SELECT nextval('contribution_receipt_seq')::text AS n) s)
        WHERE id = $1 RETURNING receipt_number`,
      [id, at, year],
    );
    return rows[0].receipt_number;
  }

  // ---- the scheduler's reads, across tenants ----

  /** Pending contributions past their grace period. */
  async expiredPending(now: Date, limit = 200): Promise<Array<{ id: string; tenantId: string }>> {
    const rows: Array<{ id: string; tenant_id: string }> = await this.ds.query(
      `SELECT id, tenant_id FROM contribution WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id }));
  }

  // ---- payment provider events ----

  /** Records a provider event once: its id, or null when this event id was already recorded. */
  async recordPaymentEvent(
    em: EntityManager,
    tenantId: string,
    event: { provider: string; id: string; type: string },
    payload: Record<string, unknown>,
  ): Promise<string | null> {
    const inserted = await prepared<{ id: string }>(
      em,
      `INSERT INTO payment_event (tenant_id, provider, event_id, type, payload, outcome) VALUES ($1, $5, $2, $3, $4, 'received')
       ON CONFLICT (tenant_id, provider, event_id) DO NOTHING RETURNING id`,
      [tenantId, event.id, event.type, JSON.stringify(payload), event.provider],
    );
    return inserted.length ? inserted[0].id : null;
  }

  /** What a recorded event did (undefined when there is no such event). */
  async paymentEventOutcome(em: EntityManager, tenantId: string, provider: string, eventId: string): Promise<string | undefined> {
    const [prior] = await em.query(`SELECT outcome FROM payment_event WHERE tenant_id = $1 AND provider = $3 AND event_id = $2`, [tenantId, eventId, provider]);
    return prior?.outcome;
  }

  async setPaymentEventOutcome(em: EntityManager, id: string, outcome: string, contributionId: string | null): Promise<void> {
    await prepared(em, `UPDATE payment_event SET outcome = $2, contribution_id = $3 WHERE id = $1`, [id, outcome, contributionId]);
  }
}
