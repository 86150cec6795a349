import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Phase } from '../programmes/domain/phase.js';
import type { Programme } from '../programmes/programme.entity.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { nextToPromote, openPlaces } from './domain/index.js';
import type { Jury, JuryOutcome } from './jury.entity.js';
import { JuryRepository } from './jury.repository.js';
import { settingsOf } from './jury.settings.js';
import { LaureateChanges } from './laureate-changes.js';

/** After the announcement and before the campaign: the only phases in which laureates may change. */
const CHANGE_PHASES: readonly Phase[] = ['announced', 'coaching', 'communication'];
const MIN_REASON = 10;

export interface WithdrawalDto {
  reason: string;
  /** True when the laureate withdrew themselves (staff record it); false when staff withdraw them. */
  byLaureate?: boolean;
}

/**
 * Changes to the laureates once announced: a laureate withdrawn (with a reason), the next on the
 * waiting list promoted into the open place. Each change locks the programme row, so changes to one
 * programme are made one at a time; other modules follow through `LaureateChanges`.
 */
@Injectable()
export class JuryWaitingListService {
  constructor(
    private readonly repo: JuryRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly changes: LaureateChanges,
  ) {}

  /** Withdraws a laureate; repeating it for one already withdrawn changes nothing (no second e-mail). */
  async withdraw(tenant: Tenant, programmeId: string, applicationId: string, dto: WithdrawalDto, actorUserId: string): Promise<JuryOutcome> {
    const reason = (dto.reason ?? '').trim();
    return this.tx.run(async (em) => {
      const { programme, jury } = await this.lockForChange(em, tenant, programmeId);
      const outcome = await this.repo.lockOutcome(em, tenant.id, programmeId, applicationId);
      if (!outcome) throw new DomainError('NOT_FOUND');
      if (outcome.status === 'withdrawn') return outcome;
      if (outcome.status !== 'laureate') throw new DomainError('JURY_NOT_A_LAUREATE');
      if (reason.length < MIN_REASON) {
        throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('reason', 'validation.justificationLength', { min: MIN_REASON })]);
      }
      const now = this.clock.now();
      const patch = {
        status: 'withdrawn' as const,
        withdrawnAt: now,
        withdrawnReason: reason,
        withdrawnBy: actorUserId,
        withdrawnByLaureate: !!dto.byLaureate,
      };
      await this.repo.updateOutcome(em, outcome.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.laureate_withdrawn',
        subjectType: 'application',
        subjectId: applicationId,
        data: { programmeId, reason, byLaureate: !!dto.byLaureate },
      });
      const [app] = await this.repo.applications(em, tenant.id, [applicationId]);
      if (app?.email) {
        await this.outbox.enqueue(em, {
          tenantId: tenant.id,
          template: 'jury-withdrawn',
          locale: app.locale,
          to: app.email,
          toName: app.applicantName,
          dedupeKey: `jury-withdrawn:${jury.id}:${app.id}`,
          payload: {
            title: app.title,
            receipt: app.receiptNumber,
            programmeTitle: programme.title,
            kind: dto.byLaureate ? 'self' : 'staff',
            link: await this.link(tenant, programme),
          },
        });
      }
      await this.changes.changed(em, { tenant, programmeId, kind: 'withdrawn', applicationId, at: now });
      return { ...outcome, ...patch };
    });
  }

  /**
   * Promotes the next on the waiting list (src/jury/domain/waiting-list.ts: the quotas first, else the
   * lowest position) into a place a withdrawal left open. The others keep their waiting positions (no
   * renumbering: the e-mails they received stay true, and the list reads with a gap).
   */
  async promote(tenant: Tenant, programmeId: string, actorUserId: string): Promise<JuryOutcome> {
    return this.tx.run(async (em) => {
      const { programme, jury } = await this.lockForChange(em, tenant, programmeId);
      const outcomes = await this.repo.outcomes(em, tenant.id, programmeId);
      const waiting = outcomes.filter((o) => o.status === 'waiting');
      if (!waiting.length) throw new DomainError('JURY_WAITING_LIST_EMPTY');
      if (!openPlaces(outcomes)) throw new DomainError('JURY_NO_OPEN_PLACE');
      const { next, apps } = await this.next(em, tenant, jury, outcomes);
      const outcome = waiting.find((o) => o.applicationId === next.applicationId)!;
      const now = this.clock.now();
      const patch = { status: 'laureate' as const, waitingPosition: null, promotedAt: now, promotedBy: actorUserId, promotedFromPosition: next.position };
      await this.repo.updateOutcome(em, outcome.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId,
        action: 'jury.laureate_promoted',
        subjectType: 'application',
        subjectId: next.applicationId,
        data: { programmeId, fromPosition: next.position, reason: next.reason, quota: next.quota ?? null },
      });
      const app = apps.get(next.applicationId);
      if (app?.email) {
        await this.outbox.enqueue(em, {
          tenantId: tenant.id,
          template: 'jury-result',
          locale: app.locale,
          to: app.email,
          toName: app.applicantName,
          dedupeKey: `jury-result:promoted:${jury.id}:${app.id}`,
          payload: {
            title: app.title,
            receipt: app.receiptNumber,
            laureate: true,
            waiting: false,
            notSelected: false,
            waitingPosition: null,
            programmeTitle: programme.title,
            link: await this.link(tenant, programme),
          },
        });
      }
      await this.changes.changed(em, { tenant, programmeId, kind: 'promoted', applicationId: next.applicationId, at: now });
      return { ...outcome, ...patch };
    });
  }

  /** Who a promotion would pick now (the confirmation page names them), or null when none can be made. */
  async preview(tenant: Tenant, programmeId: string): Promise<{ applicationId: string; position: number; title: string; receipt: string | null } | null> {
    const em = this.repo.manager;
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    if (!jury) return null;
    const outcomes = await this.repo.outcomes(em, tenant.id, programmeId);
    const waiting = outcomes.filter((o) => o.status === 'waiting');
    if (!waiting.length || !openPlaces(outcomes)) return null;
    const { next, apps } = await this.next(em, tenant, jury, outcomes);
    const app = apps.get(next.applicationId);
    return { applicationId: next.applicationId, position: next.position, title: app?.title ?? '', receipt: app?.receiptNumber ?? null };
  }

  /** A laureate as the withdrawal page names them; NOT_FOUND unless a current laureate of this programme. */
  async laureate(tenant: Tenant, programmeId: string, applicationId: string): Promise<{ title: string; titleLang: string; receipt: string | null }> {
    await this.programmes.found(tenant.id, programmeId);
    const app = await this.repo.application(this.repo.manager, tenant.id, programmeId, applicationId);
    const outcome = app ? (await this.repo.outcomes(this.repo.manager, tenant.id, programmeId)).find((o) => o.applicationId === app.id) : undefined;
    if (!app || outcome?.status !== 'laureate') throw new DomainError('NOT_FOUND');
    return { title: app.title, titleLang: app.locale, receipt: app.receiptNumber };
  }

  /** Who is next (the waiting list must not be empty), with the applications the rule read. */
  private async next(em: EntityManager, tenant: Tenant, jury: Jury, outcomes: JuryOutcome[]) {
    const waiting = outcomes.filter((o) => o.status === 'waiting');
    const laureates = outcomes.filter((o) => o.status === 'laureate');
    const ids = [...waiting, ...laureates].map((o) => o.applicationId);
    const apps = new Map((await this.repo.applications(em, tenant.id, ids)).map((a) => [a.id, a]));
    // The quota groups, as the selection reads them (src/jury/jury-vote.util.ts).
    const groupsOf = (id: string) => ({ category: apps.get(id)?.category ?? '', commune: apps.get(id)?.commune ?? '' });
    const next = nextToPromote(
      waiting.map((o) => ({ applicationId: o.applicationId, position: o.waitingPosition!, groups: groupsOf(o.applicationId) })),
      laureates.map((o) => ({ groups: groupsOf(o.applicationId) })),
      settingsOf(jury).quotas,
    )!;
    return { next, apps };
  }

  private async lockForChange(em: EntityManager, tenant: Tenant, programmeId: string): Promise<{ programme: Programme; jury: Jury }> {
    const programme = await this.programmes.lockFound(em, tenant.id, programmeId);
    const jury = await this.repo.jury(em, tenant.id, programmeId);
    if (!jury) throw new DomainError('JURY_NOT_CONFIGURED');
    if (!jury.announcedAt) throw new DomainError('JURY_NOT_ANNOUNCED');
    if (!CHANGE_PHASES.includes(programme.phase)) throw new DomainError('JURY_CHANGES_CLOSED');
    return { programme, jury };
  }

  private async link(tenant: Tenant, programme: Programme): Promise<string> {
    return `${await this.tenants.siteUrl(tenant)}/programmes/${programme.slug}`;
  }
}
