import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PrivacyRequest, type PrivacyRequestStatus, RetentionRun } from './privacy-request.entity.js';

/** Order of the staff queue: what is open first, the nearest deadline first. */
const STATUS_ORDER = `CASE status WHEN 'open' THEN 0 WHEN 'awaiting_confirmation' THEN 1 ELSE 2 END`;

@Injectable()
export class PrivacyRequestsRepository {
  constructor(private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  insert(em: EntityManager, r: Partial<PrivacyRequest>): Promise<PrivacyRequest> {
    return em.getRepository(PrivacyRequest).save(em.getRepository(PrivacyRequest).create(r));
  }

  get(tenantId: string, id: string, em: EntityManager = this.ds.manager): Promise<PrivacyRequest | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return Promise.resolve(null);
    return em.getRepository(PrivacyRequest).findOneBy({ tenantId, id });
  }

  async lock(em: EntityManager, tenantId: string, id: string): Promise<PrivacyRequest | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    return em
      .getRepository(PrivacyRequest)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.tenant_id = :tenantId AND r.id = :id', { tenantId, id })
      .getOne();
  }

  byToken(em: EntityManager, tokenHash: string): Promise<PrivacyRequest | null> {
    return em.getRepository(PrivacyRequest).createQueryBuilder('r').setLock('pessimistic_write').where('r.token_hash = :tokenHash', { tokenHash }).getOne();
  }

  /** Serialises the requests about one address (two clicks file one request, send one link). */
  async lockAddress(em: EntityManager, tenantId: string, emailKey: string): Promise<void> {
    await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`privacy:${tenantId}:${emailKey}`]);
  }

  async linkSince(em: EntityManager, tenantId: string, emailKey: string, kind: string, since: Date): Promise<boolean> {
    const rows: unknown[] = await em.query(
      `SELECT 1 FROM privacy_request WHERE tenant_id = $1 AND email_key = $2 AND kind = $3 AND source = 'link' AND requested_at > $4 LIMIT 1`,
      [tenantId, emailKey, kind, since],
    );
    return rows.length > 0;
  }

  /** An open erasure request of this person, so that asking twice files one request. */
  openErasure(em: EntityManager, tenantId: string, emailKey: string): Promise<PrivacyRequest | null> {
    return em.getRepository(PrivacyRequest).findOneBy({ tenantId, emailKey, kind: 'erasure', status: 'open' });
  }

  async update(em: EntityManager, id: string, patch: Partial<PrivacyRequest>): Promise<void> {
    await em.getRepository(PrivacyRequest).update({ id }, patch);
  }

  async list(tenantId: string, status: PrivacyRequestStatus | undefined, limit: number, offset: number): Promise<{ rows: PrivacyRequest[]; total: number }> {
    // A link nobody opened is not a request yet: staff see requests once the person confirmed them.
    const qb = this.ds
      .getRepository(PrivacyRequest)
      .createQueryBuilder('r')
      .where(`r.tenant_id = :tenantId AND r.status <> 'awaiting_confirmation'`, { tenantId });
    if (status) qb.andWhere('r.status = :status', { status });
    const [rows, total] = await qb
      .orderBy(STATUS_ORDER.replace(/status/g, 'r.status'), 'ASC')
      .addOrderBy('r.due_at', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { rows, total };
  }

  async countsByStatus(tenantId: string): Promise<Record<string, number>> {
    const rows: Array<{ status: string; n: number }> = await this.ds.query(
      `SELECT status, count(*)::int AS n FROM privacy_request WHERE tenant_id = $1 GROUP BY status`,
      [tenantId],
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /** The authority's retention periods as staff set them (see privacy settings); empty when never set. */
  async storedRetention(tenantId: string, em: EntityManager = this.ds.manager): Promise<Record<string, unknown> | null> {
    const rows: Array<{ retention: Record<string, unknown> }> = await em.query(`SELECT retention FROM privacy_settings WHERE tenant_id = $1`, [tenantId]);
    return rows[0]?.retention ?? null;
  }

  insertRun(em: EntityManager, run: Partial<RetentionRun>): Promise<RetentionRun> {
    return em.getRepository(RetentionRun).save(em.getRepository(RetentionRun).create(run));
  }

  runs(tenantId: string, limit = 20): Promise<RetentionRun[]> {
    return this.ds.getRepository(RetentionRun).find({ where: { tenantId }, order: { ranAt: 'DESC' }, take: limit });
  }
}
