import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { FileStorage } from '../storage/file-storage.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { CoachingMilestone } from './coaching.entity.js';
import { CoachingRepository, type LaureateRow } from './coaching.repository.js';
import { CoachingService } from './coaching.service.js';
import { applyReviewAction } from './domain/milestone-status.js';

/** The coach's side of coaching: their laureates, reviews of what was handed in, and evidence files. */
@Injectable()
export class CoachReviewsService {
  constructor(
    private readonly repo: CoachingRepository,
    private readonly coaching: CoachingService,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly files: FileStorage,
  ) {}

  /** The coach's laureates (staff see every laureate), each with their schedule. */
  async coachView(tenant: Tenant, programmeId: string, principal: Principal) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const staff = hasRole(principal, ['staff', 'platform_admin']);
    const laureates = await this.repo.laureates(em, tenant.id, programmeId, staff ? {} : { coachUserId: principal.userId });
    const schedules = await Promise.all(laureates.map((l) => this.coaching.scheduleOf(em, tenant.id, l)));
    return { programme, schedules, awaiting: schedules.reduce((n, s) => n + s.milestones.filter((m) => m.status === 'submitted').length, 0) };
  }

  async review(
    tenant: Tenant,
    programmeId: string,
    milestoneId: string,
    principal: Principal,
    action: 'validate' | 'request_changes',
    comment: string,
  ): Promise<CoachingMilestone> {
    if (action === 'request_changes' && !comment.trim())
      throw new DomainError('COACHING_FEEDBACK_REQUIRED', {}, [fieldProblem('comment', 'validation.sayWhatToChange')]);
    const siteUrl = await this.tenants.siteUrl(tenant);
    return this.tx.run(async (em) => {
      const m = await this.repo.lockMilestone(em, tenant.id, programmeId, milestoneId);
      if (!m) throw new DomainError('NOT_FOUND');
      const l = (await this.repo.laureate(em, tenant.id, programmeId, m.laureateId))!;
      this.assertCoachOf(principal, l);
      const status = applyReviewAction(m.kind, m.status, action);
      const now = this.clock.now();
      const patch = {
        status,
        feedback: comment.trim(),
        reviewedAt: now,
        reviewedBy: principal.userId,
        version: m.version + 1,
        // Validating a session is recording the laureate present (the session's page keeps the full list).
        ...(m.kind === 'session' ? { attendance: 'present' as const, attendanceRecordedAt: now, attendanceRecordedBy: principal.userId } : {}),
      };
      await this.repo.updateMilestone(em, m.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: principal.userId,
        action: `coaching.${action === 'validate' ? 'validated' : 'changes_requested'}`,
        subjectType: 'coaching_milestone',
        subjectId: m.id,
        data: { laureateId: l.id, comment: comment.trim() },
      });
      const programme = (await this.programmes.get(tenant.id, programmeId, em))!;
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'coaching-feedback',
        locale: l.locale,
        to: l.email,
        toName: l.displayName,
        dedupeKey: `coaching-feedback:${m.id}:${patch.version}`,
        payload: {
          name: l.displayName,
          title: m.title,
          validated: status === 'validated',
          comment: comment.trim(),
          programmeTitle: programme.title,
          link: `${siteUrl}/coaching/programmes/${programmeId}`,
        },
      });
      return { ...m, ...patch };
    });
  }

  /** An evidence file, for the laureate who handed it in, their coach and staff. */
  async evidenceFile(tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal) {
    const em = this.repo.manager;
    const m = await this.repo.milestone(em, tenant.id, programmeId, milestoneId);
    if (!m || m.evidence?.kind !== 'file') throw new DomainError('NOT_FOUND');
    const l = (await this.repo.laureate(em, tenant.id, programmeId, m.laureateId))!;
    const staff = hasRole(principal, ['staff', 'platform_admin']);
    if (l.userId !== principal.userId && l.coachUserId !== principal.userId && !staff) throw new DomainError('NOT_FOUND');
    const file = await this.files.get(tenant.id, m.evidence.fileId);
    if (!file || file.info.ownerType !== 'coaching_milestone' || file.info.ownerId !== m.id) throw new DomainError('NOT_FOUND');
    return file;
  }

  private assertCoachOf(principal: Principal, l: LaureateRow): void {
    if (hasRole(principal, ['staff', 'platform_admin'])) return;
    if (l.coachUserId !== principal.userId) throw new DomainError('COACHING_NOT_YOUR_LAUREATE');
  }
}
