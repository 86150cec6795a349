import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { AuditEntry } from './audit-entry.entity.js';

export interface AuditRecord {
  tenantId: string;
  actorUserId: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  data?: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  subjectType?: string;
  subjectId?: string;
  limit?: number;
  beforeId?: string;
}

/** The filters of an audit page: an action, a person ('system' for entries without one), a period [from, to). */
export interface AuditFilter {
  action?: string;
  actor?: string;
  from?: Date;
  to?: Date;
}

/** Written in the same transaction as the change it records. */
@Injectable()
export class AuditService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(em: EntityManager, entry: AuditRecord): Promise<void> {
    await em.query(`INSERT INTO audit_entry (tenant_id, at, actor_user_id, action, subject_type, subject_id, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      entry.tenantId,
      this.clock.now(),
      entry.actorUserId,
      entry.action,
      entry.subjectType,
      entry.subjectId,
      JSON.stringify(entry.data ?? {}),
    ]);
  }

  list(tenantId: string, q: AuditQuery = {}): Promise<AuditEntry[]> {
    const qb = this.ds.getRepository(AuditEntry).createQueryBuilder('a').where('a.tenant_id = :tenantId', { tenantId });
    if (q.action) qb.andWhere('a.action = :action', { action: q.action });
    if (q.subjectType) qb.andWhere('a.subject_type = :st', { st: q.subjectType });
    if (q.subjectId) qb.andWhere('a.subject_id = :sid', { sid: q.subjectId });
    if (q.beforeId) qb.andWhere('a.id < :before', { before: q.beforeId });
    return qb
      .orderBy('a.id', 'DESC')
      .limit(Math.min(q.limit ?? 100, 500))
      .getMany();
  }

  /** One page of the authority's log, newest first, with the count of every entry the filters keep. */
  async search(tenantId: string, f: AuditFilter, offset: number, limit: number): Promise<{ entries: AuditEntry[]; total: number }> {
    const qb = this.ds.getRepository(AuditEntry).createQueryBuilder('a').where('a.tenant_id = :tenantId', { tenantId });
    if (f.action) qb.andWhere('a.action = :action', { action: f.action });
    if (f.actor === 'system') qb.andWhere('a.actor_user_id IS NULL');
    else if (f.actor) qb.andWhere('a.actor_user_id = :actor', { actor: f.actor });
    if (f.from) qb.andWhere('a.at >= :from', { from: f.from });
    if (f.to) qb.andWhere('a.at < :to', { to: f.to });
    const [entries, total] = await qb
      .orderBy('a.id', 'DESC')
      .skip(Math.max(0, offset))
      .take(Math.min(Math.max(1, limit), 5000))
      .getManyAndCount();
    return { entries, total };
  }

  /** The actions and the people found in the authority's log, for the filters' choices. */
  async choices(tenantId: string): Promise<{ actions: string[]; actorIds: string[] }> {
    const actions = await this.ds.query(`SELECT DISTINCT action FROM audit_entry WHERE tenant_id = $1 ORDER BY action`, [tenantId]);
    const actors = await this.ds.query(`SELECT DISTINCT actor_user_id AS id FROM audit_entry WHERE tenant_id = $1 AND actor_user_id IS NOT NULL`, [tenantId]);
    return { actions: actions.map((r: { action: string }) => r.action), actorIds: actors.map((r: { id: string }) => r.id) };
  }
}
