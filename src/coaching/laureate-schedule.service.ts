import { LaureatesQuery } from '../jury/laureates.query.js';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { sniffFileType } from '../applications/domain/file-sniffing.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import { storedFileName } from '../storage/file-names.js';
import { FileStorage } from '../storage/file-storage.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { CoachingMilestone } from './coaching.entity.js';
import { CoachingRepository, type LaureateRow } from './coaching.repository.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { CoachingService, type LaureateSchedule } from './coaching.service.js';
import { applyReviewAction } from './domain/milestone-status.js';
import { assertEvidenceFits, type Evidence } from './domain/milestones.js';

const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

export interface UploadedEvidence {
  originalname: string;
  buffer: Buffer;
  size: number;
}

/** The laureate's side of coaching: their schedule, what they hand in, and their reminder setting. */
@Injectable()
export class LaureateScheduleService {
  constructor(
    private readonly repo: CoachingRepository,
    private readonly coaching: CoachingService,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly files: FileStorage,
    private readonly juryLaureates: LaureatesQuery,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
  ) {}

  async mySchedule(tenant: Tenant, programmeId: string, principal: Principal): Promise<LaureateSchedule & { programme: Programme }> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const [laureate] = await this.repo.laureates(em, tenant.id, programmeId, { userId: principal.userId });
    if (!laureate) throw new DomainError('COACHING_NOT_LAUREATE');
    return { programme, ...(await this.coaching.scheduleOf(em, tenant.id, laureate)) };
  }

  /**
   * Whether the person is a confirmed laureate of the programme whose schedule staff have not made yet
   * (the jury's results are in, the coaching plan is not): their page says so instead of "not found".
   */
  async awaitsSchedule(tenant: Tenant, programmeId: string, principal: Principal): Promise<Programme | null> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const [laureate] = await this.repo.laureates(this.repo.manager, tenant.id, programmeId, { userId: principal.userId });
    if (laureate) return null;
    return (await this.juryLaureates.programmesOf(null, tenant.id, principal.userId)).includes(programmeId) ? programme : null;
  }

  async submit(tenant: Tenant, programmeId: string, milestoneId: string, principal: Principal, evidence: Evidence): Promise<CoachingMilestone> {
    return this.tx.run((em) => this.submitIn(em, tenant, programmeId, milestoneId, principal, evidence));
  }

  /** A file as evidence: checked by its content (PDF or image), stored, and handed in, in one transaction. */
  async submitFile(
    tenant: Tenant,
    programmeId: string,
    milestoneId: string,
    principal: Principal,
    file: UploadedEvidence | undefined,
  ): Promise<CoachingMilestone> {
    if (!file || !file.size) throw new DomainError('COACHING_FILE_REQUIRED', {}, [fieldProblem('file', 'validation.attachPdfOrImage')]);
    if (file.size > MAX_EVIDENCE_BYTES)
      throw new DomainError('FILE_TOO_LARGE', { maxMb: MAX_EVIDENCE_BYTES / 1024 / 1024 }, [
        fieldProblem('file', 'validation.fileTooLarge', { maxMb: MAX_EVIDENCE_BYTES / 1024 / 1024 }),
      ]);
    const sniffed = sniffFileType(file.buffer);
    if (!sniffed) throw new DomainError('FILE_TYPE_NOT_ACCEPTED', {}, [fieldProblem('file', 'validation.pdfOrImage')]);
    return this.tx.run(async (em) => {
      const { m } = await this.ownMilestone(em, tenant, programmeId, milestoneId, principal);
      const safeName = storedFileName(file.originalname, `evidence.${sniffed.extension}`);
      const stored = await this.files.put(em, {
        tenantId: tenant.id,
        ownerType: 'coaching_milestone',
        ownerId: m.id,
        purpose: 'evidence',
        filename: safeName,
        contentType: sniffed.mime,
        uploadedBy: principal.userId,
        bytes: file.buffer,
      });
      return this.submitIn(em, tenant, programmeId, milestoneId, principal, { kind: 'file', fileId: stored.id });
    });
  }

  private async submitIn(
    em: EntityManager,
    tenant: Tenant,
    programmeId: string,
    milestoneId: string,
    principal: Principal,
    evidence: Evidence,
  ): Promise<CoachingMilestone> {
    const { m, l } = await this.ownMilestone(em, tenant, programmeId, milestoneId, principal);
    if (m.kind !== 'deliverable') throw new DomainError('MILESTONE_TRANSITION_NOT_ALLOWED', { kind: m.kind, from: m.status, action: 'submit', allowed: [] });
    assertEvidenceFits(m.evidenceKind!, evidence);
    const status = applyReviewAction(m.kind, m.status, m.status === 'changes_requested' ? 'resubmit' : 'submit');
    const patch = { status, evidence, submittedAt: this.clock.now(), version: m.version + 1 };
    await this.repo.updateMilestone(em, m.id, patch);
    await this.audit.record(em, {
      tenantId: tenant.id,
      actorUserId: principal.userId,
      action: 'coaching.evidence_submitted',
      subjectType: 'coaching_milestone',
      subjectId: m.id,
      data: { kind: evidence.kind },
    });
    // The coach hears of it at once (not only in the weekly digest); the key makes it once per hand-in.
    if (l.coachUserId && l.coachEmail) {
      const programme = (await this.programmes.get(tenant.id, programmeId, em))!;
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'coaching-handed-in',
        locale: l.coachLocale ?? tenant.defaultLocale,
        to: l.coachEmail,
        toName: l.coachName,
        dedupeKey: `coaching-handed-in:${m.id}:${patch.version}`,
        payload: {
          name: l.coachName ?? '',
          laureate: l.displayName,
          project: { [l.titleLang]: l.title },
          title: m.title,
          resubmitted: m.status === 'changes_requested',
          programmeTitle: programme.title,
          link: `${await this.tenants.siteUrl(tenant)}/coaching/programmes/${programmeId}/coach#milestone-${m.id}`,
        },
      });
    }
    return { ...m, ...patch };
  }

  async setMuted(tenant: Tenant, programmeId: string, principal: Principal, muted: boolean): Promise<void> {
    await this.tx.run(async (em) => {
      const [l] = await this.repo.laureates(em, tenant.id, programmeId, { userId: principal.userId });
      if (!l) throw new DomainError('COACHING_NOT_LAUREATE');
      await this.repo.updateLaureate(em, l.id, { remindersMuted: muted });
    });
  }

  private async ownMilestone(
    em: EntityManager,
    tenant: Tenant,
    programmeId: string,
    milestoneId: string,
    principal: Principal,
  ): Promise<{ m: CoachingMilestone; l: LaureateRow }> {
    const m = await this.repo.lockMilestone(em, tenant.id, programmeId, milestoneId);
    if (!m) throw new DomainError('NOT_FOUND');
    const l = await this.repo.laureate(em, tenant.id, programmeId, m.laureateId);
    // Someone else's milestone is not found, rather than forbidden: ids do not leak.
    if (!l || l.userId !== principal.userId) throw new DomainError('NOT_FOUND');
    return { m, l };
  }
}
