import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import type { RetentionCount } from '../common/privacy/personal-data-holder.js';
import { checkRetention, type RetentionPeriods, retentionPeriods } from '../common/privacy/retention.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { PrivacyRepository } from './privacy.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { PersonalDataRegistry } from './personal-data.js';
import type { RetentionRun } from './privacy-request.entity.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';

/** The totals of a pass, one line per kind of data (tables of one kind added up). */
export function byKind(counts: RetentionCount[]): Array<{ kind: string; rows: number }> {
  const m = new Map<string, number>();
  for (const c of counts) m.set(c.kind, (m.get(c.kind) ?? 0) + c.rows);
  return [...m].map(([kind, rows]) => ({ kind, rows }));
}

/**
 * Retention: every holder removes what its periods make due, in one transaction per authority and
 * pass, recorded in `retention_run` and in the audit log. The daily job and "run now" do the same; a
 * preview is the same pass as a dry run (nothing changes, nothing is recorded).
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly tx: TransactionRunner,
    private readonly registry: PersonalDataRegistry,
    private readonly repo: PrivacyRequestsRepository,
    private readonly settings: PrivacyRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async periods(tenantId: string, em?: EntityManager): Promise<RetentionPeriods> {
    return retentionPeriods(await this.repo.storedRetention(tenantId, em));
  }

  /** Staff's new periods (400 naming each bad one), recorded with the old ones in the audit log. */
  async setPeriods(tenant: Tenant, input: Record<string, unknown>, actorUserId: string): Promise<RetentionPeriods> {
    return this.tx.run(async (em) => {
      const settings = await this.settings.lockSettings(em, tenant.id);
      const before = retentionPeriods(settings.retention);
      const { periods, problems } = checkRetention(input, before);
      if (problems.length)
        throw new DomainError(
          'VALIDATION_FAILED',
          {},
          problems.map((p) => fieldProblem(p.field, p.key, p.values)),
        );
      await this.settings.updateSettings(em, tenant.id, { retention: periods });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'privacy.retention_updated',
        subjectType: 'tenant',
        subjectId: tenant.id,
        data: { before, after: periods },
      });
      return periods;
    });
  }

  async preview(tenant: Tenant): Promise<RetentionCount[]> {
    return this.tx.run(async (em) => this.pass(em, tenant.id, await this.periods(tenant.id, em), true));
  }

  async run(tenant: Pick<Tenant, 'id'>, actorUserId: string | null): Promise<RetentionRun> {
    return this.tx.run(async (em) => {
      const periods = await this.periods(tenant.id, em);
      const counts = await this.pass(em, tenant.id, periods, false);
      const run = await this.repo.insertRun(em, { tenantId: tenant.id, ranAt: this.clock.now(), dryRun: false, periods, counts, actorUserId });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'privacy.retentionRun',
        subjectType: 'tenant',
        subjectId: tenant.id,
        data: { removed: counts.reduce((n, c) => n + c.rows, 0), run: run.id, byKind: byKind(counts) },
      });
      return run;
    });
  }

  runs(tenant: Tenant) {
    return this.repo.runs(tenant.id);
  }

  private async pass(em: EntityManager, tenantId: string, periods: RetentionPeriods, dryRun: boolean): Promise<RetentionCount[]> {
    const now = this.clock.now();
    const counts: RetentionCount[] = [];
    for (const h of this.registry.holders()) if (h.expire) counts.push(...(await h.expire(em, tenantId, periods, now, dryRun)));
    return counts;
  }
}
