import type { Locale } from '../common/i18n/localized.js';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Tenant, TenantHost } from '../tenants/tenant.entity.js';
import type { MailPriority } from './domain/mail-priority.js';
import type { TenantUsage } from './domain/mail-rate.js';
import type { OutboxMessage } from './outbox-message.entity.js';

/** A row to queue. */
export interface NewOutboxMessage {
  tenantId: string;
  template: string;
  locale: Locale;
  toAddress: string;
  toName: string | null;
  payload: Record<string, unknown>;
  dedupeKey: string | null;
  priority: MailPriority;
  nextAttemptAt: Date;
  stream: string | null;
  scopeId: string | null;
}

export type ClaimedMessage = Pick<
  OutboxMessage,
  'id' | 'tenantId' | 'template' | 'locale' | 'toAddress' | 'toName' | 'payload' | 'attempts' | 'priority' | 'stream' | 'scopeId'
>;

const DUE = `status IN ('pending', 'sending') AND next_attempt_at <= $1`;
const CLAIM = `UPDATE outbox_message SET status = 'sending', attempts = attempts + 1, next_attempt_at = $2, claimed_at = $1`;
const CLAIMED = `RETURNING id, tenant_id AS "tenantId", template, locale, to_address AS "toAddress", to_name AS "toName",
  payload, attempts, priority, stream, scope_id AS "scopeId"`;
/**
 * First key of the advisory locks (two-int form, a key space apart from the one-bigint locks of
 * migrations and seeds) taken while an instance claims one authority's rated mail.
 */
const RATE_LOCK_CLASS = 7314;

/** Every query on outbox_message. */
@Injectable()
export class OutboxRepository {
  constructor(private readonly ds: DataSource) {}

  /** Queues rows in one statement; a row whose dedupe key is already queued is skipped. Returns how many were queued. */
  async insert(em: EntityManager, rows: readonly NewOutboxMessage[]): Promise<number> {
    if (!rows.length) return 0;
    const col = <K extends keyof NewOutboxMessage>(k: K) => rows.map((r) => r[k]);
    const inserted: unknown[] = await em.query(
      `INSERT INTO outbox_message (tenant_id, template, locale, to_address, to_name, payload, dedupe_key, priority, next_attempt_at, stream, scope_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[], $8::smallint[], $9::timestamptz[],
         $10::text[], $11::uuid[])
       ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING RETURNING id`,
      [
        col('tenantId'),
        col('template'),
        col('locale'),
        col('toAddress'),
        col('toName'),
        rows.map((r) => JSON.stringify(r.payload)),
        col('dedupeKey'),
        col('priority'),
        col('nextAttemptAt'),
        col('stream'),
        col('scopeId'),
      ],
    );
    return inserted.length;
  }

  /** Claims due transactional mail of every authority, longest due first, under a lease until `leaseUntil`. */
  async claimTransactional(em: EntityManager, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedMessage[]> {
    return (
      await em.query(
        `${CLAIM} WHERE id IN (
         SELECT id FROM outbox_message WHERE priority = 0 AND ${DUE}
         ORDER BY priority, next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       ${CLAIMED}`,
        [now, leaseUntil, limit],
      )
    )[0];
  }

  /**
   * The authorities with rated (personal or bulk) mail due. A skip scan over the tenant-first index:
   * one index probe per authority, however long one authority's backlog is.
   */
  async tenantsWithRatedMailDue(em: EntityManager, now: Date): Promise<string[]> {
    const rows: Array<{ tenantId: string }> = await em.query(
      `WITH RECURSIVE due(tenant_id) AS (
         (SELECT tenant_id FROM outbox_message WHERE priority > 0 AND ${DUE} ORDER BY tenant_id LIMIT 1)
         UNION ALL
         SELECT (SELECT m.tenant_id FROM outbox_message m
                 WHERE m.tenant_id > due.tenant_id AND m.priority > 0 AND m.status IN ('pending', 'sending') AND m.next_attempt_at <= $1
                 ORDER BY m.tenant_id LIMIT 1)
         FROM due WHERE due.tenant_id IS NOT NULL)
       SELECT tenant_id AS "tenantId" FROM due WHERE tenant_id IS NOT NULL`,
      [now],
    );
    return rows.map((r) => r.tenantId);
  }

  /**
   * Takes, until the transaction ends, the right to claim each authority's rated mail; returns the
   * authorities won. One another instance is serving is left to it for this pass, so two instances
   * never count the same budget at once.
   */
  async lockTenants(em: EntityManager, tenantIds: readonly string[]): Promise<string[]> {
    if (!tenantIds.length) return [];
    const rows: Array<{ tenantId: string }> = await em.query(
      `SELECT u.tenant_id AS "tenantId" FROM unnest($1::uuid[]) AS u(tenant_id)
       WHERE pg_try_advisory_xact_lock(${RATE_LOCK_CLASS}, hashtext(u.tenant_id::text))`,
      [tenantIds],
    );
    return rows.map((r) => r.tenantId);
  }

  /**
   * Rated messages each authority claimed after `since`. Run it after lockTenants, in a statement of
   * its own: its snapshot then sees the claims of the instance that held the lock before.
   * (A retry re-stamps its row, so an attempt retried within the minute counts once.)
   */
  async ratedClaimsSince(em: EntityManager, tenantIds: readonly string[], since: Date): Promise<TenantUsage[]> {
    if (!tenantIds.length) return [];
    return em.query(
      `SELECT u.tenant_id AS "tenantId",
              (SELECT count(*)::int FROM outbox_message m WHERE m.tenant_id = u.tenant_id AND m.priority > 0 AND m.claimed_at > $2) AS used
       FROM unnest($1::uuid[]) AS u(tenant_id)`,
      [tenantIds, since],
    );
  }

  /** Claims up to `limit` of one authority's due rated mail, personal before bulk, longest due first. */
  async claimRated(em: EntityManager, tenantId: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedMessage[]> {
    if (limit <= 0) return [];
    return (
      await em.query(
        `${CLAIM} WHERE id IN (
         SELECT id FROM outbox_message WHERE tenant_id = $3 AND priority > 0 AND ${DUE}
         ORDER BY priority, next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       ${CLAIMED}`,
        [now, leaseUntil, tenantId, limit],
      )
    )[0];
  }

  async markSent(id: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE outbox_message SET status = 'sent', sent_at = $2, last_error = NULL WHERE id = $1`, [id, at]);
  }

  /** Not sent, and never will be: its address left the e-mail's stream. */
  async markSuppressed(id: string, at: Date): Promise<void> {
    await this.ds.query(`UPDATE outbox_message SET status = 'suppressed', sent_at = NULL, last_error = NULL, next_attempt_at = $2 WHERE id = $1`, [id, at]);
  }

  async markFailedAttempt(id: string, status: 'pending' | 'failed', nextAttemptAt: Date, error: string): Promise<void> {
    await this.ds.query(`UPDATE outbox_message SET status = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1`, [id, status, nextAttemptAt, error]);
  }

  /** The authority a message is sent for (its branding and sender). */
  tenant(id: string): Promise<Tenant | null> {
    return this.ds.getRepository(Tenant).findOneBy({ id });
  }

  async hostNames(tenantId: string): Promise<string[]> {
    return (await this.ds.getRepository(TenantHost).findBy({ tenantId })).map((h) => h.host);
  }
}
