import { inLanguage, type Localized } from '../common/i18n/localized.js';
import { textIn } from '../common/web/language-fields.js';
import { Injectable } from '@nestjs/common';
import { CoachingService } from '../coaching/coaching.service.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { JuryResultsService } from '../jury/jury-results.service.js';
import { phaseIndex } from '../programmes/domain/phase.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { computeReport } from './domain/report.js';
import { ReportsRepository, type AuditFilter } from './reports.repository.js';

/** Campaign pages that staff have not approved yet. */
const NOT_APPROVED = ['draft', 'in_review', 'changes_requested'];

export interface LateJuror {
  displayName: string;
  organisation: string;
  evaluated: number;
  expected: number;
}

export interface OverdueMilestone {
  laureate: string;
  project: string;
  projectLang: string;
  title: Localized;
  at: Date;
}

/**
 * The authority's dashboard for one programme: how far the funnel went, what is late, the live
 * collection (from the campaigns' counters, cheap enough to reload during the window) and the log.
 */
@Injectable()
export class DashboardService {
  constructor(
    private readonly repo: ReportsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly jury: JuryResultsService,
    private readonly coaching: CoachingService,
    private readonly clock: Clock,
  ) {}

  async dashboard(tenant: Tenant, programmeId: string, filter: AuditFilter) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const counts = await this.repo.funnelCounts(tenant.id, programmeId);
    const schedules = await this.coaching.schedules(this.repo.manager, tenant.id, programmeId);
    const funnel = { ...counts, ready: schedules.filter((s) => s.readiness.ready).length };

    // Jurors behind: only while the vote is open (before, nobody can be late; after, it is too late).
    let lateJurors: LateJuror[] = [];
    try {
      const progress = await this.jury.progress(tenant, programmeId);
      if (progress.jury.status === 'open') {
        lateJurors = progress.jurors
          .filter((j) => !j.complete)
          .map((j) => ({ displayName: j.displayName, organisation: j.organisation, evaluated: j.evaluated, expected: j.expected }));
      }
    } catch (err) {
      if (!(err instanceof DomainError && err.code === 'JURY_NOT_CONFIGURED')) throw err;
    }

    const overdue: OverdueMilestone[] = schedules
      .flatMap((s) =>
        s.milestones
          .filter((m) => m.effective === 'overdue')
          .map((m) => ({ laureate: s.laureate.displayName, project: s.laureate.title, projectLang: s.laureate.titleLang, title: m.title, at: m.at })),
      )
      .sort((a, b) => a.at.getTime() - b.at.getTime());

    const campaigns = await this.repo.liveCampaigns(tenant.id, programmeId);
    // Campaign pages must be approved before the communication phase uses them.
    const pagesDue = phaseIndex(programme.phase) >= phaseIndex('communication');
    const unapproved = pagesDue
      ? [
          ...campaigns
            .filter((c) => NOT_APPROVED.includes(c.status))
            .map((c) => ({ title: c.title, status: c.status as string, applicationId: c.applicationId })),
          // An application is written in one language: the one its applicant used.
          ...(await this.repo.laureatesWithoutCampaign(tenant.id, programmeId)).map((l) => ({
            title: inLanguage(l.locale, l.title),
            status: 'none',
            applicationId: l.applicationId,
          })),
        ]
      : [];

    const collection = campaigns
      .map((c) => ({
        ...c,
        totalCents: c.collectedCents + c.matchedCents,
        percentOfGoal: c.goalCents > 0 ? Math.floor(((c.collectedCents + c.matchedCents) * 100) / c.goalCents) : 0,
      }))
      .sort(
        (a, b) =>
          b.percentOfGoal - a.percentOfGoal || textIn(a.title, tenant.defaultLocale, tenant).localeCompare(textIn(b.title, tenant.defaultLocale, tenant)),
      );
    const totals = collection.reduce(
      (t, c) => ({
        goalCents: t.goalCents + c.goalCents,
        collectedCents: t.collectedCents + c.collectedCents,
        matchedCents: t.matchedCents + c.matchedCents,
        totalCents: t.totalCents + c.totalCents,
        contributions: t.contributions + c.contributionCount,
        pageViews: t.pageViews + c.pageViews,
      }),
      { goalCents: 0, collectedCents: 0, matchedCents: 0, totalCents: 0, contributions: 0, pageViews: 0 },
    );

    const auditTotal = await this.repo.auditCount(tenant.id, programmeId, filter);
    const audit = await this.repo.audit(tenant.id, programmeId, filter);
    // The collection day by day, once the window has opened (the results report's own figures).
    const daily =
      phaseIndex(programme.phase) >= phaseIndex('campaign')
        ? computeReport(await this.repo.input(this.repo.manager, tenant.id, programme, tenant.timeZone, this.clock.now())).daily
        : [];
    const choices = await this.repo.auditChoices(tenant.id, programmeId);
    return {
      programme,
      funnel,
      lateJurors,
      overdue,
      unapproved,
      collection,
      totals,
      windowOpen: programme.phase === 'campaign',
      audit,
      auditTotal,
      daily,
      choices,
      now: this.clock.now(),
    };
  }
}
