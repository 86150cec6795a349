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
}
