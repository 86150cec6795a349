import { listInMemory, listStateOf, listView, pageOf, type ListColumn } from '../common/web/list-view.js';
import type { StaffContributionSort } from './contributions.repository.js';
import { CONTRIBUTION_STATUSES } from './domain/states.js';
import { intlTagOf } from '../common/i18n/format.js';
import { localizedText } from '../common/i18n/localized.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { Clock } from '../common/clock/clock.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { eurosToCents } from '../common/web/money.js';
import { ViewService } from '../common/web/view.service.js';
import { problemOf } from './campaign-page-errors.js';
import { integerOrNull, str, type Form } from './campaign-form.js';
import { editMessage, pageTools, staffModel, type StaffExtra } from './campaign-pages.view.js';
import { CampaignsStaffService } from './campaigns-staff.service.js';
import { CampaignsService } from './campaigns.service.js';
import { CampaignReviewDto, CampaignSettingsDto, MatchBudgetDto } from './dto/campaigns.dto.js';

type StaffLaureate = ReturnType<typeof staffModel>['laureates'][number];
/** Campaigns sort by what staff have to do: reviews first, then running ones, then the rest. */
const REVIEW_ORDER = ['in_review', 'changes_requested', 'draft', 'approved', 'live', 'awaiting_funds', 'funded', 'not_funded', ''];

/**
 * The staff page of a programme's campaigns, server-rendered: each laureate's campaign to review, the
 * collection settings and the partners' match budgets. The rules stay in CampaignsStaffService.
 */
@ApiExcludeController()
@Controller()
export class CampaignsStaffPagesController {
  constructor(
    private readonly errors: ErrorMessages,
    private readonly campaigns: CampaignsService,
    private readonly campaignsStaff: CampaignsStaffService,
    private readonly views: ViewService,
    private readonly clock: Clock,
  ) {}

  @Get('staff/programmes/:programmeId/campaigns')
  @Roles(['staff'], 'programmeId')
  async staffPage(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: Record<string, unknown>) {
    return this.renderStaff(page, programmeId, { saved: typeof query.saved === 'string' ? query.saved : null, query });
  }

  /** Every contribution of the programme, filtered, sorted and paged in the database (thousands at the opening). */
  @Get('staff/programmes/:programmeId/contributions')
  @Roles(['staff'], 'programmeId')
  async contributionsPage(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: Record<string, unknown>) {
    const t = (key: string) => this.views.t(page.locale, key);
    const columns: ListColumn<unknown>[] = [
      { key: 'date', label: t('contributionsStaff.date'), sortable: true, numeric: true },
      { key: 'campaign', label: t('contributionsStaff.campaign'), sortable: true },
      { key: 'contributor', label: t('contributionsStaff.contributor'), sortable: true },
      { key: 'amount', label: t('contributionsStaff.amount'), sortable: true, numeric: true },
      { key: 'matched', label: t('campaignStaff.matched'), sortable: true, numeric: true },
      { key: 'status', label: t('contributionsStaff.status'), sortable: true },
      { key: 'receipt', label: t('contributionsStaff.receipt') },
      { key: 'actions', label: t('refundsStaff.actions') },
    ];
    const state = listStateOf(query, columns, { sort: 'date', dir: 'desc' });
    const text = (k: string) => (typeof query[k] === 'string' ? (query[k] as string).trim().slice(0, 200) : '');
    const asked = { campaignId: text('campaign') || undefined, status: text('status') || undefined, q: text('q') || undefined };
    const first = await this.campaignsStaff.contributionList(page.tenant, programmeId, {
      ...asked,
      sort: state.sort as StaffContributionSort,
      dir: state.dir,
      limit: state.size,
      offset: pageOf(state, Number.MAX_SAFE_INTEGER).offset,
    });
    // A page past the end (a bookmark after a filter) shows the last page instead.
    const { offset } = pageOf(state, first.total);
    const l =
      offset === pageOf(state, Number.MAX_SAFE_INTEGER).offset
        ? first
        : await this.campaignsStaff.contributionList(page.tenant, programmeId, {
            ...asked,
            sort: state.sort as StaffContributionSort,
            dir: state.dir,
            limit: state.size,
            offset,
          });
    const filters = ['campaign', 'status', 'q'];
    const view = listView(columns, l.rows, l.total, {
      path: `${page.basePath}/staff/programmes/${programmeId}/contributions`,
      query,
      filters,
      state,
      defaultSort: 'date',
      defaultDir: 'desc',
    });
    const csv = new URLSearchParams(l.status ? { status: l.status } : {}).toString();
    return this.views.page('pages/campaigns/contributions', page, {
      title: t('contributionsStaff.title'),
      programme: l.programme,
      campaigns: l.campaigns.map((c) => ({ id: c.id, title: c.title, selected: c.id === l.campaignId })),
      statuses: CONTRIBUTION_STATUSES.map((s) => ({ value: s, count: l.byStatus[s] ?? 0, selected: s === l.status })),
      q: asked.q ?? '',
      filtered: Boolean(l.campaignId || l.status || asked.q),
      csvHref: `/api/programmes/${programmeId}/contributions.csv${csv ? `?${csv}` : ''}`,
      csvStatus: l.status ?? null,
      ...view,
    });
  }

  @Post('staff/programmes/:programmeId/campaigns/:campaignId/review')
  @HttpCode(200)
  @Roles(['staff'], 'programmeId')
  async review(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('campaignId') id: string,
    @Body() body: Form,
    @Res() res: Response,
  ) {
    const field = `comment-${id}`;
    const form = checkForm(CampaignReviewDto, { decision: str(body, 'decision'), comment: str(body, 'comment') || undefined });
    const again = async (status: number, errors: FieldProblem[]) =>
      res
        .status(status)
        .send(await this.renderStaff(page, programmeId, { errorList: errors, errors: errorMap(errors), typedComments: { [id]: str(body, 'comment') } }));
    if (!form.ok) return again(400, [{ field: `decision-${id}`, message: this.views.t(page.locale, 'campaignStaff.err.decision') }]);
    try {
      await this.campaignsStaff.review(page.tenant, programmeId, id, form.value, page.principal!);
    } catch (err) {
      const problem = problemOf(this.errors, page.locale, err, field);
      const k = pageTools(this.views, page, this.clock.now());
      return again(
        problem.status,
        problem.errors.map((e) => ({
          field,
          message: e.field === 'comment' ? this.views.t(page.locale, 'campaignStaff.err.comment') : editMessage(k, e.field, e.message),
        })),
      );
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/campaigns?saved=review#campaign-${id}`);
  }

  @Post('staff/programmes/:programmeId/campaign-settings')
  @HttpCode(200)
  @Roles(['staff'], 'programmeId')
  async saveSettings(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Form, @Res() res: Response) {
    const t = (key: string) => this.views.t(page.locale, key);
    const problems: FieldProblem[] = [];
    const euros = (name: string) => {
      const raw = str(body, name);
      if (!raw) return null;
      const cents = eurosToCents(raw);
      if (cents === null || cents < 1) problems.push({ field: name, message: t('campaignStaff.err.euros') });
      return cents;
    };
    const int = (name: string, nullable: boolean) => {
      const v = integerOrNull(str(body, name));
      if (v === undefined || (v === null && !nullable)) problems.push({ field: name, message: t('campaignStaff.err.integer') });
      return v ?? null;
    };
    const dto = {
      paymentProvider: str(body, 'paymentProvider'),
      settlementPolicy: str(body, 'settlementPolicy'),
      matchCountsTowardGoal: body.matchCountsTowardGoal === 'yes',
      matchOnlyListedRewards: body.matchOnlyListedRewards === 'yes',
      pendingGraceHours: int('pendingGraceHours', false),
      matchFactorPercent: int('matchFactorPercent', false),
      matchCapPerContributionCents: euros('matchCapPerContributionEuros'),
      matchCapPerCampaignCents: euros('matchCapPerCampaignEuros'),
      matchMaxPerContributor: int('matchMaxPerContributor', true),
    };
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderStaff(page, programmeId, { errorList: errors, errors: errorMap(errors), typedSettings: body }));
    const form = checkForm(CampaignSettingsDto, dto);
    if (!form.ok) {
      const names: Record<string, string> = {
        matchCapPerContributionCents: 'matchCapPerContributionEuros',
        matchCapPerCampaignCents: 'matchCapPerCampaignEuros',
      };
      for (const e of form.errors) {
        const field = names[e.field] ?? e.field;
        if (!problems.some((p) => p.field === field)) problems.push({ field, message: t('campaignStaff.err.range') });
      }
    }
    if (problems.length || !form.ok) return again(400, problems);
    try {
      await this.campaignsStaff.saveSettings(page.tenant, programmeId, form.value, page.principal!);
    } catch (err) {
      const problem = problemOf(this.errors, page.locale, err, 'paymentProvider');
      return again(
        problem.status,
        problem.errors.map((e) => ({ field: 'paymentProvider', message: e.message })),
      );
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/campaigns?saved=settings#settings-title`);
  }

  @Post('staff/programmes/:programmeId/match-budgets')
  @HttpCode(200)
  @Roles(['staff'], 'programmeId')
  async saveBudget(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Form, @Res() res: Response) {
    const t = (key: string) => this.views.t(page.locale, key);
    const problems: FieldProblem[] = [];
    const kind = str(body, 'kind');
    const total = eurosToCents(str(body, 'totalEuros'));
    if (total === null) problems.push({ field: 'totalEuros', message: t('campaignStaff.err.euros') });
    const dto: Record<string, unknown> = { partnerId: str(body, 'partnerId'), kind, scope: str(body, 'scope') || undefined, totalCents: total ?? 0 };
    if (kind === 'grant') {
      const grant = eurosToCents(str(body, 'grantEuros'));
      if (grant === null) problems.push({ field: 'grantEuros', message: t('campaignStaff.err.euros') });
      const threshold = integerOrNull(str(body, 'grantThresholdPercent'));
      if (threshold === undefined || threshold === null) problems.push({ field: 'grantThresholdPercent', message: t('campaignStaff.err.integer') });
      const min = integerOrNull(str(body, 'grantMinContributors'));
      if (min === undefined || min === null) problems.push({ field: 'grantMinContributors', message: t('campaignStaff.err.integer') });
      Object.assign(dto, { grantCents: grant ?? 1, grantThresholdPercent: threshold ?? 0, grantMinContributors: min ?? 0 });
    }
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderStaff(page, programmeId, { errorList: errors, errors: errorMap(errors), typedBudget: body }));
    const form = checkForm(MatchBudgetDto, dto);
    if (!form.ok) {
      const names: Record<string, string> = { totalCents: 'totalEuros', grantCents: 'grantEuros' };
      for (const e of form.errors) {
        const field = names[e.field] ?? e.field;
        if (!problems.some((p) => p.field === field))
          problems.push({
            field,
            message: t(field === 'partnerId' || field === 'kind' || field === 'scope' ? 'campaignStaff.err.choose' : 'campaignStaff.err.range'),
          });
      }
    }
    if (problems.length || !form.ok) return again(400, problems);
    try {
      await this.campaignsStaff.saveBudget(page.tenant, programmeId, form.value, page.principal!);
    } catch (err) {
      const problem = problemOf(this.errors, page.locale, err, 'totalEuros');
      return again(
        problem.status,
        problem.errors.map((e) => ({ field: e.field === 'partnerId' ? 'partnerId' : 'totalEuros', message: e.message })),
      );
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/campaigns?saved=budget#budgets-title`);
  }

  private async renderStaff(page: PageContext, programmeId: string, extra: StaffExtra = {}) {
    const o = await this.campaignsStaff.overview(page.tenant, programmeId);
    const settings = await this.campaignsStaff.settingsFor(page.tenant, programmeId);
    const partners = await this.campaignsStaff.programmePartners(page.tenant, programmeId);
    const publicHref = (c: Parameters<CampaignsService['isPublic']>[1]) =>
      this.campaigns.isPublic(o.programme, c) ? `/programmes/${o.programme.slug}/campaigns/${c.slug}` : null;
    const model = staffModel(o, settings, partners, publicHref, extra, pageTools(this.views, page, this.clock.now()));
    return this.views.page('pages/campaigns/staff', page, { ...model, list: this.laureateList(page, programmeId, model.laureates, extra.query ?? {}) });
  }

  /** The laureates' campaigns sorted by a column (what waits for a review first by default) and paged. */
  private laureateList(page: PageContext, programmeId: string, rows: StaffLaureate[], query: Record<string, unknown>) {
    const t = (key: string) => this.views.t(page.locale, key);
    const columns: ListColumn<StaffLaureate>[] = [
      { key: 'laureate', label: t('campaignStaff.laureate'), value: (r) => (r.campaign ? localizedText(r.campaign.title, page.locale) : r.title) },
      { key: 'status', label: t('contributionsStaff.status'), value: (r) => REVIEW_ORDER.indexOf(r.campaign?.status ?? '') },
      { key: 'collected', label: t('campaignStaff.collected'), value: (r) => r.campaign?.collectedCents, numeric: true },
      { key: 'matched', label: t('campaignStaff.matched'), value: (r) => r.campaign?.matchedCents, numeric: true },
      { key: 'goal', label: t('campaignStaff.goal'), value: (r) => r.campaign?.goalCents, numeric: true },
      { key: 'contributors', label: t('campaignStaff.contributors'), value: (r) => r.campaign?.contributorCount, numeric: true },
      { key: 'links', label: t('campaignStaff.links') },
    ];
    return listInMemory(rows, columns, {
      path: `${page.basePath}/staff/programmes/${programmeId}/campaigns`,
      query,
      filters: [],
      defaultSort: 'status',
      defaultDir: 'asc',
      intlTag: intlTagOf(page.locale),
    });
  }
}
