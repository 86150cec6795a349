import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { containsPattern } from '../common/db/like.js';
import type { Localized } from '../common/i18n/localized.js';
import type { Contribution } from './campaign.entity.js';
import { isUuid, returned } from './campaigns.repository.js';
import type { RefundCause, RefundState } from './domain/refunds.js';
import { Refund } from './refund.entity.js';

export type StaffRefundSort = 'date' | 'amount' | 'state' | 'campaign' | 'contributor' | 'attempts' | 'next';

/** A refund as staff see it in the programme's list, with its contribution and campaign. */
export interface StaffRefundRow {
  id: string;
  contributionId: string;
  campaignTitle: Localized;
  campaignSlug: string;
  state: RefundState;
  cause: RefundCause;
  provider: string;
  reason: string | null;
  detail: string | null;
  note: string;
  attempts: number;
  nextAttemptAt: Date | null;
  askedAt: Date | null;
  confirmedAt: Date | null;
  createdAt: Date;
  amountCents: number;
  email: string;
  displayName: string | null;
  receiptNumber: string | null;
}

/** A refund claimed by the job: what asking its provider needs. */
export interface ClaimedRefund {
  id: string;
  tenantId: string;
  contributionId: string;
  attempts: number;
  round: number;
}

const ROW_SELECT = `r.id, r.contribution_id, c.title, c.slug, r.state, r.cause, r.provider, r.reason, r.detail, r.note, r.attempts,
  r.next_attempt_at, r.asked_at, r.confirmed_at, r.created_at, x.amount_cents, x.email, x.display_name, x.receipt_number`;

function rowOf(r: Record<string, unknown>): StaffRefundRow {
  return {
    id: String(r.id),
    contributionId: String(r.contribution_id),
    campaignTitle: r.title as Localized,
    campaignSlug: String(r.slug),
    state: r.state as RefundState,
    cause: r.cause as RefundCause,
    provider: String(r.provider),
    reason: (r.reason as string | null) ?? null,
    detail: (r.detail as string | null) ?? null,
    note: String(r.note ?? ''),
    attempts: Number(r.attempts),
    nextAttemptAt: (r.next_attempt_at as Date | null) ?? null,
    askedAt: (r.asked_at as Date | null) ?? null,
    confirmedAt: (r.confirmed_at as Date | null) ?? null,
    createdAt: r.created_at as Date,
    amountCents: Number(r.amount_cents),
    email: String(r.email),
    displayName: (r.display_name as string | null) ?? null,
    receiptNumber: (r.receipt_number as string | null) ?? null,
  };
}

/**
 * The refunds of contributions owed back. Every query names the tenant, or a row found through it;
 * the job's claim across tenants is marked as such.
 */
@Injectable()
export class RefundsRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  /**
   * The refund request of a contribution that has just become `refund_due`, in the same transaction;
   * asked at once. A second request for the same contribution changes nothing (unique per contribution).
   */
  async request(
    em: EntityManager,
    c: Pick<Contribution, 'id' | 'tenantId' | 'programmeId' | 'campaignId' | 'provider'>,
    cause: RefundCause,
    now: Date,
    by: { userId: string; note: string } | null = null,
  ): Promise<void> {
    await em.query(
      `INSERT INTO refund (tenant_id, programme_id, campaign_id, contribution_id, provider, cause, next_attempt_at, requested_by_user_id, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (contribution_id) DO NOTHING`,
      [c.tenantId, c.programmeId, c.campaignId, c.id, c.provider, cause, now, by?.userId ?? null, by?.note ?? ''],
    );
  }

  /** The refund requests of many contributions at once (a settlement), in its transaction. */
  async requestAll(em: EntityManager, contributionIds: string[], cause: RefundCause, now: Date): Promise<void> {
    if (!contributionIds.length) return;
    await em.query(
      `INSERT INTO refund (tenant_id, programme_id, campaign_id, contribution_id, provider, cause, next_attempt_at)
       SELECT tenant_id, programme_id, campaign_id, id, provider, $2, $3 FROM contribution WHERE id = ANY($1::uuid[])
       ON CONFLICT (contribution_id) DO NOTHING`,
      [contributionIds, cause, now],
    );
  }

  /**
   * Claims up to `limit` refunds due, across tenants, oldest due first (a refund failing for ever waits
   * its back-off and does not hold the others back). SKIP LOCKED: two instances claim different rows;
   * the claim counts the attempt and holds the refund until `leaseUntil`.
   */
  async claimDue(now: Date, leaseUntil: Date, limit = 50): Promise<ClaimedRefund[]> {
    const rows = returned<{ id: string; tenant_id: string; contribution_id: string; attempts: number; round: number }>(
      await this.ds.query(
        `UPDATE refund SET attempts = attempts + 1, next_attempt_at = $2, updated_at = now()
          WHERE id IN (SELECT id FROM refund WHERE state <> 'confirmed' AND next_attempt_at <= $1
                        ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
            AND state <> 'confirmed' AND next_attempt_at <= $1
          RETURNING id, tenant_id, contribution_id, attempts, round`,
        [now, leaseUntil, limit],
      ),
    );
    return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, contributionId: r.contribution_id, attempts: r.attempts, round: r.round }));
  }

  async lock(em: EntityManager, tenantId: string, id: string): Promise<Refund | null> {
    if (!isUuid(id)) return null;
    return em
      .getRepository(Refund)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.tenant_id = :tenantId AND r.id = :id', { tenantId, id })
      .getOne();
  }

  async lockOfContribution(em: EntityManager, contributionId: string): Promise<Refund | null> {
    return em
      .getRepository(Refund)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.contribution_id = :contributionId', { contributionId })
      .getOne();
  }

  async update(em: EntityManager, id: string, patch: Partial<Refund>): Promise<void> {
    await em.getRepository(Refund).update({ id }, patch as never);
  }

  /** The provider confirmed the refund (its webhook, or its answer): nothing more to ask. */
  async confirmOfContribution(em: EntityManager, contributionId: string, now: Date, userId: string | null = null): Promise<void> {
    await em.query(
      `UPDATE refund SET state = 'confirmed', confirmed_at = $2, confirmed_by_user_id = $3, next_attempt_at = NULL, reason = NULL, updated_at = now()
        WHERE contribution_id = $1 AND state <> 'confirmed'`,
      [contributionId, now, userId],
    );
  }

  /**
   * A refund the provider had taken then reported failed: failed with the provider's reason, asked
   * again after the back-off in a new round (a new idempotency key: the old one answers the failed refund).
   * False when no refund was awaiting the provider (a repeated or unknown report).
   */
  async providerFailed(em: EntityManager, contributionId: string, detail: string, now: Date, retryAt: (attempts: number) => Date): Promise<boolean> {
    const r = await this.lockOfContribution(em, contributionId);
    if (!r || r.state !== 'requested' || !r.askedAt) return false;
    await this.update(em, r.id, {
      state: 'failed',
      reason: 'provider_failed',
      detail: detail.slice(0, 200),
      round: r.round + 1,
      askedAt: null,
      nextAttemptAt: retryAt(Math.max(1, r.attempts)),
      updatedAt: now,
    });
    return true;
  }

  /**
   * One page of a programme's refunds for staff (a state filter, a search, a whitelisted sort) with the
   * count and amount per state for the same search.
   */
  async staffList(
    tenantId: string,
    programmeId: string,
    f: { state?: string; q?: string; sort: StaffRefundSort; dir: 'asc' | 'desc'; limit: number; offset: number },
  ): Promise<{ rows: StaffRefundRow[]; total: number; byState: Record<string, { count: number; amountCents: number }> }> {
    const where = [`r.tenant_id = $1`, `r.programme_id = $2`];
    const args: unknown[] = [tenantId, programmeId];
    if (f.q) {
      const n = args.push(containsPattern(f.q.toLowerCase()));
      where.push(`(x.email_key LIKE $${n} OR lower(coalesce(x.display_name, '')) LIKE $${n} OR lower(coalesce(x.receipt_number, '')) LIKE $${n})`);
    }
    const from = `refund r JOIN contribution x ON x.id = r.contribution_id JOIN campaign c ON c.id = r.campaign_id`;
    const counts: Array<{ state: string; n: string; cents: string }> = await this.ds.query(
      `SELECT r.state, count(*) AS n, coalesce(sum(x.amount_cents), 0) AS cents FROM ${from} WHERE ${where.join(' AND ')} GROUP BY r.state`,
      args,
    );
    const byState = Object.fromEntries(counts.map((c) => [c.state, { count: Number(c.n), amountCents: Number(c.cents) }]));
    if (f.state) where.push(`r.state = $${args.push(f.state)}`);
    const total = f.state ? (byState[f.state]?.count ?? 0) : Object.values(byState).reduce((a, b) => a + b.count, 0);
    const order = {
      date: 'r.created_at',
      amount: 'x.amount_cents',
      state: 'r.state',
      campaign: 'c.slug',
      contributor: 'lower(coalesce(x.display_name, x.email))',
      attempts: 'r.attempts',
      next: 'r.next_attempt_at',
    }[f.sort];
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT ${ROW_SELECT} FROM ${from} WHERE ${where.join(' AND ')}
        ORDER BY ${order} ${f.dir === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, r.created_at DESC, r.id
        LIMIT $${args.push(f.limit)} OFFSET $${args.push(f.offset)}`,
      args,
    );
    return { total, byState, rows: rows.map(rowOf) };
  }

  /** One refund of a programme, as the staff list shows it (null: not this programme's). */
  async staffRow(tenantId: string, programmeId: string, id: string): Promise<StaffRefundRow | null> {
    if (!isUuid(id)) return null;
    const [row]: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT ${ROW_SELECT} FROM refund r JOIN contribution x ON x.id = r.contribution_id JOIN campaign c ON c.id = r.campaign_id
        WHERE r.tenant_id = $1 AND r.programme_id = $2 AND r.id = $3`,
      [tenantId, programmeId, id],
    );
    return row ? rowOf(row) : null;
  }

  /** Every refund of a programme for the treasurer, oldest first, optionally of one state. */
  async programmeExport(tenantId: string, programmeId: string, state: string | null): Promise<StaffRefundRow[]> {
    const rows: Array<Record<string, unknown>> = await this.ds.query(
      `SELECT ${ROW_SELECT} FROM refund r JOIN contribution x ON x.id = r.contribution_id JOIN campaign c ON c.id = r.campaign_id
        WHERE r.tenant_id = $1 AND r.programme_id = $2 AND ($3::text IS NULL OR r.state = $3) ORDER BY r.created_at, r.id`,
      [tenantId, programmeId, state],
    );
    return rows.map(rowOf);
  }
}
