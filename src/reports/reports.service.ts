import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { isUniqueViolation, TransactionRunner } from '../common/db/transaction.js';
import { DomainError } from '../common/errors/domain-error.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { computeReport, type ReportFigures } from './domain/report.js';
import { ReportsRepository, type SnapshotRow } from './reports.repository.js';

/** What the API answers for a published version. */
export function snapshotView(s: SnapshotRow) {
  return { id: s.id, version: s.version, publishedAt: s.publishedAt.toISOString(), publishedBy: s.publishedBy, figures: s.figures };
}

/** Versions arrive as text (a query string, a path): anything but a positive integer is no version at all. */
export function parseVersion(raw: unknown): number | undefined | null {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,8}$/.test(raw)) return null;
  return Number(raw);
}

/**
 * The results report: a live preview for staff, and immutable published versions for everyone.
 * A version is a copy of the figures at publication; nothing ever updates it, so later changes of
 * data (a refund, a late confirmation) only show in the next version.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async preview(tenant: Tenant, programmeId: string): Promise<{ programme: Programme; figures: ReportFigures }> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    // One snapshot of the database (repeatable read) so the counts agree with each other.
    const figures = await this.tx.run(async (em) => {
      await em.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      return computeReport(await this.repo.input(em, tenant.id, programme, tenant.timeZone, this.clock.now()));
    });
    return { programme, figures };
  }

  /**
   * Publishes the figures as they are now as the next version. The programme row is locked, so two
   * publications at once queue and take versions n and n+1; the unique (programme, version) key is
   * the last line of defence, and a collision there is retried.
   */
  async publish(tenant: Tenant, programmeId: string, actorUserId: string): Promise<SnapshotRow> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.tx.run(async (em) => {
          if (!(await this.repo.lockProgramme(em, tenant.id, programmeId))) throw new DomainError('NOT_FOUND');
          const programme = await this.programmes.found(tenant.id, programmeId, em);
          const now = this.clock.now();
          const figures = computeReport(await this.repo.input(em, tenant.id, programme, tenant.timeZone, now));
          const snapshot = await this.repo.insertSnapshot(em, { tenantId: tenant.id, programmeId, figures, publishedAt: now, publishedBy: actorUserId });
          await this.audit.record(em, {
            tenantId: tenant.id,
            actorUserId,
            action: 'report.published',
            subjectType: 'programme',
            subjectId: programmeId,
            data: {
              version: snapshot.version,
              snapshotId: snapshot.id,
              totalCents: figures.amounts.totalCents,
              funded: figures.campaigns.funded,
              campaigns: figures.campaigns.total,
              uniqueContributors: figures.contributions.uniqueContributors,
            },
          });
          return snapshot;
        });
      } catch (err) {
        if (attempt < 3 && isUniqueViolation(err, 'report_snapshot_version_key')) continue;
        throw err;
      }
    }
  }

  async versions(tenant: Tenant, programmeId: string) {
    await this.programmes.found(tenant.id, programmeId);
    return this.repo.versions(tenant.id, programmeId);
  }

  async version(tenant: Tenant, programmeId: string, version: number | null | undefined): Promise<SnapshotRow> {
    await this.programmes.found(tenant.id, programmeId);
    const s = version === null ? null : await this.repo.snapshot(tenant.id, programmeId, version);
    if (!s) throw new DomainError('REPORT_NOT_PUBLISHED');
    return s;
  }

  /**
   * A published version for the public, by the programme's slug: the latest, or the one asked for.
   * Nothing published (or another authority's slug) is not found.
   */
  async published(tenant: Tenant, slug: string, version: number | null | undefined) {
    const programme = await this.programmes.getBySlug(tenant.id, slug);
    if (!programme || version === null) throw new DomainError('REPORT_NOT_PUBLISHED');
    const snapshot = await this.repo.snapshot(tenant.id, programme.id, version);
    if (!snapshot) throw new DomainError('REPORT_NOT_PUBLISHED');
    const versions = await this.repo.versions(tenant.id, programme.id);
    return { programme, snapshot, versions };
  }
}
