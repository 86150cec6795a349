import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { fieldProblem, DomainError } from '../common/errors/domain-error.js';
import type { Principal } from '../auth/principal.js';
import { formatInstant } from '../common/web/view.service.js';
import { OutboxService } from '../notifications/outbox.service.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { Application } from './application.entity.js';
import { ApplicationsRepository, type ApplicationFilter } from './applications.repository.js';
import { ApplicationsService } from './applications.service.js';
import { assertCanDecide } from './domain/application-state.js';
import { failedRules } from './domain/eligibility.js';

/** The staff screening desk: the list with eligibility, decisions, comments and correction requests. */
@Injectable()
export class ScreeningService {
  constructor(
    private readonly applications: ApplicationsRepository,
    private readonly applicationsService: ApplicationsService,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
  ) {}

  async list(tenant: Tenant, programmeId: string, filter: ApplicationFilter & { eligibility?: 'passes' | 'fails' }) {
    const call = await this.applicationsService.getCall(tenant.id, programmeId);
    const { items, total } = await this.applications.list(tenant.id, programmeId, filter);
    const live = call.onePerApplicant ? await this.applications.liveCountsByApplicant(tenant.id, programmeId) : new Map<string, number>();
    const others = (a: Application) => Math.max(0, (live.get(a.applicantUserId) ?? 0) - (a.status === 'withdrawn' ? 0 : 1));
    let rows = items.map((a) => ({ application: a, rules: this.applicationsService.rules(call, a, others(a)) }));
    if (filter.eligibility) rows = rows.filter((r) => (failedRules(r.rules).length === 0) === (filter.eligibility === 'passes'));
    return { call, rows, total };
  }

  comments(tenant: Tenant, applicationId: string) {
    return this.applications.comments(tenant.id, applicationId);
  }

  async decide(tenant: Tenant, id: string, actor: Principal, decision: 'eligible' | 'ineligible', reason: string): Promise<Application> {
    return this.tx.run(async (em) => {
      const app = await this.lockStaff(em, tenant, id);
      assertCanDecide(app);
      if (app.screening === decision && app.screeningReason === reason) return app;
      await this.applications.update(em, app.id, { screening: decision, screeningReason: reason });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'application.screened',
        subjectType: 'application',
        subjectId: app.id,
        data: { from: app.screening, to: decision, reason },
      });
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'application-decision',
        locale: app.locale,
        to: app.email,
        toName: app.applicantName,
        dedupeKey: `application-decision:${app.id}:${decision}:${this.clock.now().toISOString()}`,
        payload: {
          title: app.title,
          receipt: app.receiptNumber,
          eligible: decision === 'eligible',
          reason,
          link: `${await this.tenants.siteUrl(tenant)}/applications/${app.id}`,
        },
      });
      return { ...app, screening: decision, screeningReason: reason };
    });
  }

  async comment(tenant: Tenant, id: string, actor: Principal, body: string): Promise<void> {
    await this.tx.run(async (em) => {
      const app = await this.lockStaff(em, tenant, id);
      await this.applications.addComment(em, { tenantId: tenant.id, applicationId: app.id, authorUserId: actor.userId, body, createdAt: this.clock.now() });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'application.commented',
        subjectType: 'application',
        subjectId: app.id,
      });
    });
  }

  /** Reopens the applicant's application for changes until a date, even after the deadline. */
  async requestCorrection(tenant: Tenant, id: string, actor: Principal, message: string, until: Date): Promise<Application> {
    if (until <= this.clock.now()) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('until', 'validation.future')]);
    return this.tx.run(async (em) => {
      const app = await this.lockStaff(em, tenant, id);
      assertCanDecide(app);
      await this.applications.update(em, app.id, { correctionUntil: until, correctionMessage: message });
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'application.correction_requested',
        subjectType: 'application',
        subjectId: app.id,
        data: { until: until.toISOString(), message },
      });
      await this.outbox.enqueue(em, {
        tenantId: tenant.id,
        template: 'application-correction',
        locale: app.locale,
        to: app.email,
        toName: app.applicantName,
        dedupeKey: `application-correction:${app.id}:${until.toISOString()}`,
        payload: {
          title: app.title,
          message,
          untilLocal: formatInstant(until, app.locale, tenant.timeZone),
          link: `${await this.tenants.siteUrl(tenant)}/applications/${app.id}`,
        },
      });
      return { ...app, correctionUntil: until, correctionMessage: message };
    });
  }

  private async lockStaff(em: EntityManager, tenant: Tenant, id: string): Promise<Application> {
    const app = await this.applications.getForUpdate(em, tenant.id, id);
    if (!app) throw new DomainError('NOT_FOUND');
    return app;
  }
}
