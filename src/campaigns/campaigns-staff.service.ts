import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { UsersRepository } from '../auth/users.repository.js';
import { Clock } from '../common/clock/clock.js';
import { TransactionRunner } from '../common/db/transaction.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { LaureatesQuery } from '../jury/laureates.query.js';
import { OutboxService } from '../notifications/outbox.service.js';
import { ProgrammesRepository } from '../programmes/programmes.repository.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { Campaign, CampaignSettings, MatchBudget } from './campaign.entity.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { campaignCompletenessProblems } from './domain/completeness.js';
import { assertCampaignMove } from './domain/states.js';
import { windowOf, windowState } from './domain/window.js';
import type { CampaignReviewDto, CampaignSettingsDto, MatchBudgetDto } from './dto/campaigns.dto.js';
import { MatchFundingRepository } from './match-funding.repository.js';
import { ContributionsRepository, type StaffContributionSort } from './contributions.repository.js';
import { CONTRIBUTION_STATUSES, type ContributionStatus } from './domain/states.js';

/** Staff's side of the campaigns: the overview, the review of each page, the collection's settings and match budgets. */
@Injectable()
export class CampaignsStaffService {
  constructor(
    private readonly repo: CampaignsRepository,
    private readonly programmes: ProgrammesRepository,
    private readonly users: UsersRepository,
    private readonly matchFunding: MatchFundingRepository,
    private readonly tx: TransactionRunner,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly tenants: TenantsService,
    private readonly clock: Clock,
    private readonly pages: CampaignPageCache,
    private readonly laureates: LaureatesQuery,
    private readonly contributions: ContributionsRepository,
  ) {}

  /**
   * A page of the programme's contributions for staff. A campaign of another programme or a status that
   * does not exist lists nothing rather than failing: the page is a read-only view of bookmarks.
   */
  async contributionList(
    tenant: Tenant,
    programmeId: string,
    f: { campaignId?: string; status?: string; q?: string; sort: StaffContributionSort; dir: 'asc' | 'desc'; limit: number; offset: number },
  ) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const campaigns = await this.repo.ofProgramme(this.repo.manager, tenant.id, programme.id);
    const campaignId = campaigns.some((c) => c.id === f.campaignId) ? f.campaignId : undefined;
    const status = CONTRIBUTION_STATUSES.includes(f.status as ContributionStatus) ? f.status : undefined;
    const list = await this.contributions.staffList(tenant.id, programme.id, { ...f, campaignId, status });
    return { programme, campaigns, campaignId, status, ...list };
  }

  /** Every laureate of the programme with their campaign (null when not started yet). */
  async overview(tenant: Tenant, programmeId: string) {
    const programme = await this.programmes.found(tenant.id, programmeId);
    const em = this.repo.manager;
    const campaigns = await this.repo.ofProgramme(em, tenant.id, programme.id);
    const byApplication = new Map(campaigns.map((c) => [c.applicationId, c]));
    const laureates = await this.laureates.ofProgramme(em, tenant.id, programme.id, 'rank_then_title');
    return {
      programme,
      settings: await this.matchFunding.settings(em, tenant.id, programme.id),
      budgets: await this.matchFunding.budgets(em, tenant.id, programme.id),
      laureates: laureates.map((l) => ({ ...l, campaign: byApplication.get(l.applicationId) ?? null })),
      campaigns,
    };
  }

  async review(tenant: Tenant, programmeId: string, campaignId: string, dto: CampaignReviewDto, actor: Principal): Promise<Campaign> {
    return this.tx.run(async (em) => {
      this.pages.forget(tenant.id);
      const c = await this.repo.lockFound(em, tenant.id, campaignId);
      if (c.programmeId !== programmeId) throw new DomainError('NOT_FOUND');
      const to = dto.decision === 'approve' ? ('approved' as const) : ('changes_requested' as const);
      if (to === 'changes_requested' && !dto.comment?.trim())
        throw new DomainError('CAMPAIGN_COMMENT_REQUIRED', {}, [fieldProblem('comment', 'validation.sayWhatToChange')]);
      if (c.status === to) return c;
      assertCampaignMove(c.status, to);
      if (to === 'approved') {
        const problems = campaignCompletenessProblems(c, tenant.defaultLocale);
        if (problems.length) throw new DomainError('CAMPAIGN_INCOMPLETE', {}, problems);
      }
      const now = this.clock.now();
      const patch: Partial<Campaign> = {
        status: to,
        reviewComment: dto.comment?.trim() || null,
        ...(to === 'approved' ? { approvedAt: now, approvedBy: actor.userId } : {}),
      };
      // Approved during the window: the campaign joins the collection at once.
      const programme = await this.programmes.found(tenant.id, c.programmeId, em);
      if (to === 'approved' && windowState(programme.phase, windowOf(programme.timeline), now) === 'open')
        Object.assign(patch, { status: 'live', openedAt: now });
      await this.repo.updateCampaign(em, c.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: `campaign.${dto.decision === 'approve' ? 'approved' : 'changes_requested'}`,
        subjectType: 'campaign',
        subjectId: c.id,
        data: { comment: dto.comment ?? null },
      });
      const laureate = await this.users.findById(tenant.id, c.laureateUserId, em);
      if (laureate) {
        await this.outbox.enqueue(em, {
          tenantId: tenant.id,
          template: 'campaign-reviewed',
          locale: laureate.locale ?? tenant.defaultLocale,
          to: laureate.email,
          toName: laureate.displayName,
          dedupeKey: `campaign-reviewed:${c.id}:${to}:${now.toISOString()}`,
          payload: {
            campaignTitle: c.title,
            approved: to === 'approved',
            comment: dto.comment ?? '',
            link: `${await this.tenants.siteUrl(tenant, em)}/campaigns/${c.id}/edit`,
          },
        });
      }
      return { ...c, ...patch };
    });
  }

  async saveSettings(tenant: Tenant, programmeId: string, dto: CampaignSettingsDto, actor: Principal): Promise<CampaignSettings> {
    return this.tx.run(async (em) => {
      this.pages.forget(tenant.id);
      const programme = await this.programmes.lockFound(em, tenant.id, programmeId);
      const s = await this.matchFunding.ensureSettings(em, tenant.id, programme.id);
      const patch = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<CampaignSettings>;
      // Rules that decide who pays what are fixed once money may have moved under them.
      const frozen = ['campaign', 'settlement', 'results'].includes(programme.phase);
      const frozenKeys = ['paymentProvider', 'settlementPolicy', 'matchCountsTowardGoal'];
      if (frozen && frozenKeys.some((k) => k in patch && (patch as Record<string, unknown>)[k] !== (s as unknown as Record<string, unknown>)[k])) {
        throw new DomainError('CAMPAIGN_SETTINGS_FROZEN');
      }
      await this.matchFunding.updateSettings(em, s.id, patch);
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'campaigns.settings_saved',
        subjectType: 'programme',
        subjectId: programme.id,
        data: patch,
      });
      return { ...s, ...patch };
    });
  }

  /** Creates or resizes a partner's budget; it can never go below what is already reserved or paid. */
  async saveBudget(tenant: Tenant, programmeId: string, dto: MatchBudgetDto, actor: Principal): Promise<MatchBudget> {
    return this.tx.run(async (em) => {
      const programme = await this.programmes.lockFound(em, tenant.id, programmeId);
      if (!(await this.matchFunding.isProgrammePartner(em, tenant.id, programme.id, dto.partnerId)))
        throw new DomainError('CAMPAIGN_PARTNER_UNKNOWN', {}, [fieldProblem('partnerId', 'validation.notAPartner')]);
      const existing = (await this.matchFunding.budgets(em, tenant.id, programme.id)).find((b) => b.partnerId === dto.partnerId && b.kind === dto.kind);
      const grant =
        dto.kind === 'grant'
          ? { grantCents: dto.grantCents!, grantThresholdPercent: dto.grantThresholdPercent!, grantMinContributors: dto.grantMinContributors! }
          : { grantCents: null, grantThresholdPercent: null, grantMinContributors: null };
      let saved: MatchBudget;
      if (existing) {
        const change = { totalCents: dto.totalCents, scope: dto.scope ?? existing.scope, ...grant };
        if (!(await this.matchFunding.resizeBudget(em, existing.id, change))) {
          const fresh = (await this.matchFunding.budgets(em, tenant.id, programme.id)).find((b) => b.id === existing.id)!;
          const used = Number(fresh.totalCents) - Number(fresh.remainingCents);
          throw new DomainError('MATCH_BUDGET_BELOW_USED', { usedCents: used, usedEuros: used / 100 }, [
            fieldProblem('totalCents', 'validation.atLeastEuros', { min: used / 100 }),
          ]);
        }
        saved = (await this.matchFunding.budgets(em, tenant.id, programme.id)).find((b) => b.id === existing.id)!;
      } else {
        const id = await this.matchFunding.insertBudget(em, {
          tenantId: tenant.id,
          programmeId: programme.id,
          partnerId: dto.partnerId,
          kind: dto.kind,
          scope: dto.scope ?? 'all',
          totalCents: dto.totalCents,
          ...grant,
        });
        saved = (await this.matchFunding.budgets(em, tenant.id, programme.id)).find((b) => b.id === id)!;
      }
      await this.audit.record(em, {
        tenantId: tenant.id,
        actorUserId: actor.userId,
        action: 'campaigns.budget_saved',
        subjectType: 'programme',
        subjectId: programme.id,
        data: { ...dto },
      });
      return saved;
    });
  }

  /** The programme's collection settings as they apply (defaults when staff never saved any). */
  async settingsFor(tenant: Tenant, programmeId: string): Promise<CampaignSettings> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    return this.matchFunding.settingsOf(this.repo.manager, tenant.id, programme.id);
  }

  /** The programme's partners, for the match-budget form of staff. */
  async programmePartners(tenant: Tenant, programmeId: string): Promise<Array<{ id: string; name: string }>> {
    const programme = await this.programmes.found(tenant.id, programmeId);
    return this.matchFunding.programmePartners(this.repo.manager, tenant.id, programme.id);
  }
}
