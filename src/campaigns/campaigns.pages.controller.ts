import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { Public, Roles, SignedIn } from '../auth/roles.guard.js';
import { Clock } from '../common/clock/clock.js';
import { describeMessage, DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { ERROR_CATALOGUE } from '../error-catalogue.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { hasRole } from '../auth/principal.js';
import type { Locale } from '../common/web/i18n.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { formatInstant, formatMoney, ViewService } from '../common/web/view.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { campaignProgress, countdownTo, pluralOf } from '../public/domain/progress.js';
import { ShareMetaService } from '../public/share-meta.service.js';
import { FileUpload } from '../storage/file-transfer.js';
import type { Campaign, CampaignSettings, MatchBudget, RewardTier } from './campaign.entity.js';
import { CampaignsService, type CampaignPage, type UploadedImage } from './campaigns.service.js';
import { ContributionsService } from './contributions.service.js';
import { isEditable } from './domain/states.js';
import { CampaignReviewDto, CampaignSettingsDto, CampaignUpdateDto, ContributeDto, MatchBudgetDto, SubscribeDto, UpdateCampaignDto } from './dto/campaigns.dto.js';
import { PageViewsService } from './page-views.service.js';

type Form = Record<string, unknown>;
const str = (body: Form, key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim() : '');
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,200}$/;
/** Rows of the FAQ and reward editors: what is there plus a few empty ones, up to the DTO's maximum. */
const MAX_ROWS = 20;
const EMPTY_ROWS = 2;
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** An image's URL carries its file id: a new upload is a new URL, so the old one may be cached long. */
const IMAGE_MAX_AGE_S = 86_400;

/** "25", "25,50", "25.50", "1 250 €" → cents; null when it is not an amount in euros. */
export function eurosToCents(raw: string): number | null {
  const s = raw.replace(/[\s\u00a0\u202f]/g, '').replace(/(€|EUR)$/i, '').replace(/^(€|EUR)/i, '');
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return Number(m[1]) * 100 + (m[2] ? Number(m[2].padEnd(2, '0')) : 0);
}

/** Cents as the value of an amount field, in the page's language ("25", "25,50"). */
export function centsToInput(cents: number | null | undefined, locale: Locale): string {
  if (cents === null || cents === undefined) return '';
  const text = cents % 100 === 0 ? String(cents / 100) : (cents / 100).toFixed(2);
  return locale === 'fr' ? text.replace('.', ',') : text;
}

/** "2026-12" → "décembre 2026" / "December 2026". */
function monthText(yyyymm: string | null, locale: Locale): string | null {
  if (!yyyymm || !/^\d{4}-\d{2}$/.test(yyyymm)) return null;
  return new Intl.DateTimeFormat(locale === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${yyyymm}-01T12:00:00Z`));
}

function integerOrNull(raw: string): number | null | undefined {
  if (raw === '') return null;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

/**
 * Campaign pages, server-rendered and usable without JavaScript: the citizens' campaign page with its
 * contribute and "notify me" forms, the contribution status and pledge confirmation pages, the
 * laureate's editor and the staff review and settings page. The rules stay in the services; this
 * controller turns forms into DTOs and domain errors into messages next to the fields.
 */
@ApiExcludeController()
@Controller()
export class CampaignsPagesController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly contributions: ContributionsService,
    private readonly pageViews: PageViewsService,
    private readonly share: ShareMetaService,
    private readonly limiter: RateLimiter,
    private readonly views: ViewService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- citizens ---------------------------------------------------------------------------------

  @Get('programmes/:slug/campaigns/:campaignSlug') @Public()
  async campaignPage(
    @Page() page: PageContext, @Param('slug') slug: string, @Param('campaignSlug') campaignSlug: string, @Query() query: Record<string, unknown>,
    @Req() req: TremplinRequest, @Res({ passthrough: true }) res: Response,
  ) {
    const p = await this.campaigns.publicPage(page.tenant, slug, campaignSlug);
    this.pageViews.record(p.campaign.id, req.headers['user-agent']);
    // Each rendering carries this visitor's CSRF token and a fresh idempotency key: never shared.
    res.setHeader('Cache-Control', 'private, no-cache');
    return this.renderPublic(page, p, { subscribed: query.subscribed === '1' });
  }

  @Post('programmes/:slug/campaigns/:campaignSlug/contribute') @HttpCode(200) @Public()
  async contribute(
    @Page() page: PageContext, @Param('slug') slug: string, @Param('campaignSlug') campaignSlug: string, @Body() body: Form,
    @Req() req: TremplinRequest, @Res() res: Response,
  ) {
    const p = await this.campaigns.publicPage(page.tenant, slug, campaignSlug);
    const postedKey = str(body, 'idempotencyKey');
    const typed = {
      amount: str(body, 'amount'), rewardTierId: str(body, 'rewardTierId'), displayName: str(body, 'displayName'), anonymous: body.anonymous === 'yes',
      email: str(body, 'email'), message: str(body, 'message'),
    };
    const again = async (status: number, errors: FieldProblem[], freshKey = false) => {
      const fresh = await this.campaigns.publicPage(page.tenant, slug, campaignSlug);
      const key = !freshKey && IDEMPOTENCY_KEY.test(postedKey) ? postedKey : randomUUID();
      return res.status(status).send(await this.renderPublic(page, fresh, { typed, errorList: errors, errors: errorMap(errors), idempotencyKey: key }));
    };
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);

    try {
      await this.limiter.hit(`contribute:ip:${req.ip}`, this.config.contributionRateLimit, 60);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'RATE_LIMITED') return again(429, [{ field: 'contribute', message: this.message(page, err) }]);
      throw err;
    }
    const problems: FieldProblem[] = [];
    const amountCents = eurosToCents(typed.amount);
    if (amountCents === null) problems.push({ field: 'amount', message: t('contribute.err.amount') });
    const locale = body.locale === 'fr' || body.locale === 'en' ? body.locale : page.locale;
    const form = checkForm(ContributeDto, {
      amountCents: amountCents ?? 100, rewardTierId: typed.rewardTierId || null, email: typed.email, displayName: typed.displayName || undefined,
      anonymous: typed.anonymous, message: typed.message, locale,
    });
    if (!form.ok) {
      for (const e of form.errors) {
        const field = e.field === 'amountCents' ? 'amount' : e.field;
        if (!problems.some((x) => x.field === field)) problems.push({ field, message: this.contributeMessage(page, field, p) });
      }
    }
    if (problems.length || !form.ok) return again(400, problems);
    if (!IDEMPOTENCY_KEY.test(postedKey)) return again(400, [{ field: 'contribute', message: t('contribute.err.resend') }], true);

    try {
      const receipt = await this.contributions.contribute(page.tenant, p.campaign.id, form.value, postedKey);
      return res.redirect(303, `${page.basePath}/contributions/${receipt.contribution.id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'VALIDATION_FAILED' || err.code === 'REWARD_NOT_FOUND') {
        return again(400, err.fieldErrors.map((e) => {
          const field = e.field === 'amountCents' ? 'amount' : e.field;
          return { field, message: this.contributeMessage(page, field, p, typed.rewardTierId) };
        }));
      }
      if (err.code === 'REWARD_SOLD_OUT') return again(409, [{ field: 'rewardTierId', message: this.message(page, err) }]);
      if (['CONTRIBUTION_WINDOW_NOT_OPEN', 'CONTRIBUTION_WINDOW_CLOSED', 'CAMPAIGN_NOT_LIVE'].includes(err.code)) {
        return again(409, [{ field: 'window', message: this.message(page, err) }]);
      }
      if (err.code === 'IDEMPOTENCY_KEY_REUSED' || err.code === 'IDEMPOTENCY_KEY_REQUIRED') {
        // The same form sent again with other values: a new key, and the person checks and sends again.
        return again(409, [{ field: 'contribute', message: t('contribute.err.resend') }], true);
      }
      throw err;
    }
  }

  /** "Notify me" before the window: one e-mail when the collection opens. */
  @Post('programmes/:slug/campaigns/:campaignSlug/notify') @HttpCode(200) @Public()
  async notify(
    @Page() page: PageContext, @Param('slug') slug: string, @Param('campaignSlug') campaignSlug: string, @Body() body: Form,
    @Req() req: TremplinRequest, @Res() res: Response,
  ) {
    const p = await this.campaigns.publicPage(page.tenant, slug, campaignSlug);
    const email = str(body, 'email');
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderPublic(page, p, { notifyEmail: email, errorList: errors, errors: errorMap(errors) }));
    const form = checkForm(SubscribeDto, { email, locale: page.locale });
    if (!form.ok) return again(400, [{ field: 'notifyEmail', message: this.views.t(page.locale, 'contribute.err.email') }]);
    try {
      await this.limiter.hit(`subscribe:ip:${req.ip}`, this.config.contributionRateLimit, 60);
      await this.campaigns.subscribe(page.tenant, p.campaign.id, form.value);
    } catch (err) {
      if (err instanceof DomainError && ['SUBSCRIBE_CLOSED', 'RATE_LIMITED'].includes(err.code)) {
        return again(err.code === 'RATE_LIMITED' ? 429 : 409, [{ field: err.code === 'RATE_LIMITED' ? 'notifyEmail' : 'window', message: this.message(page, err) }]);
      }
      throw err;
    }
    return res.redirect(303, `${page.basePath}/programmes/${slug}/campaigns/${campaignSlug}?subscribed=1#notify-title`);
  }

  /** The campaign's image, for anyone when the campaign is public, else for its laureate and staff. */
  @Get('campaigns/:campaignId/image') @Public()
  async image(@Page() page: PageContext, @Param('campaignId') id: string, @Res() res: Response) {
    const img = await this.campaigns.image(page.tenant, id, page.principal);
    res.setHeader('Content-Type', img.contentType);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Disposition', 'inline');
    // An anonymous answer is a public campaign's image; a signed-in one may be a draft's.
    res.setHeader('Cache-Control', page.principal ? 'private, max-age=0, must-revalidate' : `public, max-age=${IMAGE_MAX_AGE_S}`);
    return res.send(img.bytes);
  }

  /** Opening the e-mailed link shows a button: mail scanners that follow links do not confirm pledges. */
  @Get('contributions/confirm') @Public()
  confirmPage(@Page() page: PageContext, @Query('token') token: unknown, @Res({ passthrough: true }) res: Response) {
    if (typeof token !== 'string' || !token || token.length > 200) throw new DomainError('CONTRIBUTION_LINK_INVALID');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return this.views.page('pages/campaigns/confirm', page, { title: this.views.t(page.locale, 'contribution.confirmTitle'), token });
  }

  @Post('contributions/confirm') @HttpCode(200) @Public()
  async confirm(@Page() page: PageContext, @Body() body: Form, @Res() res: Response) {
    const token = str(body, 'token');
    try {
      const c = await this.contributions.confirmPledge(page.tenant, token);
      return res.redirect(303, `${page.basePath}/contributions/${c.id}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONTRIBUTION_LINK_INVALID') {
        return res.status(404).send(this.views.page('pages/campaigns/confirm', page, {
          title: this.views.t(page.locale, 'contribution.confirmTitle'), invalid: this.message(page, err),
        }));
      }
      throw err;
    }
  }

  /** A contribution's status, by its reference (an unguessable id known to the contributor). */
  @Get('contributions/:contributionId') @Public()
  async contribution(@Page() page: PageContext, @Param('contributionId') id: string, @Res({ passthrough: true }) res: Response) {
    const s = await this.contributions.statusPage(page.tenant, id);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const c = s.contribution;
    const pledge = c.provider === 'pledge';
    return this.views.page('pages/campaigns/contribution', page, {
      title: this.views.t(page.locale, 'contribution.title'),
      contribution: c, campaign: s.campaign, rewardTitle: s.rewardTitle,
      campaignHref: `/programmes/${s.programmeSlug}/campaigns/${s.campaign.slug}`,
      statusKey: `contribution.status.${c.status}`,
      pending: c.status === 'pending', confirmed: c.status === 'confirmed',
      awaitsEmail: c.status === 'pending' && pledge,
      paymentUrl: s.payment?.kind === 'redirect' ? s.payment.url : null,
      paymentUnavailable: s.payment?.kind === 'redirect' && !s.payment.url,
      explanationKey: c.status === 'pending' ? null : `contribution.explain.${c.status}`,
    });
  }

  // ---- laureates --------------------------------------------------------------------------------

  /** From "My space": the laureate's campaign in this programme, created as a draft on first visit. */
  @Get('programmes/:programmeId/campaign') @SignedIn()
  async mine(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Res() res: Response) {
    const c = await this.campaigns.mine(page.tenant, programmeId, page.principal!);
    return res.redirect(303, `${page.basePath}/campaigns/${c.id}/edit`);
  }

  @Get('campaigns/:campaignId/edit') @SignedIn()
  async edit(@Page() page: PageContext, @Param('campaignId') id: string, @Query() query: Record<string, unknown>) {
    return this.renderEditor(page, id, { saved: typeof query.saved === 'string' ? query.saved : null });
  }

  @Post('campaigns/:campaignId/edit') @HttpCode(200) @SignedIn()
  async save(@Page() page: PageContext, @Param('campaignId') id: string, @Body() body: Form, @Res() res: Response) {
    await this.campaigns.get(page.tenant, id, page.principal!); // not theirs: 404 before anything else
    const { dto, problems, faqRows, rewardRows } = campaignFormToDto(body);
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderEditor(page, id, { errorList: errors, errors: errorMap(errors), typed: body }));
    const form = checkForm(UpdateCampaignDto, dto);
    const errors = [...problems];
    if (!form.ok) {
      for (const e of form.errors) {
        const field = formFieldOf(e.field, faqRows, rewardRows);
        if (!errors.some((x) => x.field === field)) errors.push({ field, message: this.editMessage(page, field, e.message) });
      }
    }
    if (errors.length || !form.ok) return again(400, errors);
    try {
      await this.campaigns.update(page.tenant, id, form.value, page.principal!);
    } catch (err) {
      const problem = this.problemOf(page, err, 'title');
      return again(problem.status, problem.errors.map((e) => ({ field: formFieldOf(e.field, faqRows, rewardRows), message: e.message })));
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=campaign`);
  }

  @Post('campaigns/:campaignId/image') @HttpCode(200) @SignedIn()
  @UseInterceptors(FileUpload('image', IMAGE_MAX_BYTES))
  async upload(@Page() page: PageContext, @Param('campaignId') id: string, @UploadedFile() file: UploadedImage | undefined, @Res() res: Response) {
    await this.campaigns.get(page.tenant, id, page.principal!);
    try {
      await this.campaigns.uploadImage(page.tenant, id, file, page.principal!);
    } catch (err) {
      const problem = this.problemOf(page, err, 'image');
      const errors = problem.errors.map((e) => ({ field: 'image', message: e.field === 'image' ? this.views.t(page.locale, 'campaignEdit.err.image') : e.message }));
      return res.status(problem.status).send(await this.renderEditor(page, id, { errorList: errors, errors: errorMap(errors) }));
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=image`);
  }

  @Post('campaigns/:campaignId/submit') @HttpCode(200) @SignedIn()
  async submit(@Page() page: PageContext, @Param('campaignId') id: string, @Res() res: Response) {
    await this.campaigns.get(page.tenant, id, page.principal!);
    try {
      await this.campaigns.submit(page.tenant, id, page.principal!);
    } catch (err) {
      const problem = this.problemOf(page, err, 'submit');
      const errors = problem.errors.map((e) => ({ field: e.field, message: this.editMessage(page, e.field, e.message) }));
      return res.status(problem.status).send(await this.renderEditor(page, id, { errorList: errors, errors: errorMap(errors) }));
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=submitted`);
  }

  /** News to the contributors; the hidden key makes a double submit post once. */
  @Post('campaigns/:campaignId/updates') @HttpCode(200) @SignedIn()
  async postUpdate(@Page() page: PageContext, @Param('campaignId') id: string, @Body() body: Form, @Res() res: Response) {
    await this.campaigns.get(page.tenant, id, page.principal!);
    const typedUpdate = { title: str(body, 'title'), body: str(body, 'body') };
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderEditor(page, id, { errorList: errors, errors: errorMap(errors), typedUpdate }));
    const form = checkForm(CampaignUpdateDto, typedUpdate);
    if (!form.ok) {
      const fields = [...new Set(form.errors.map((e) => e.field))];
      return again(400, fields.map((f) => ({ field: `update-${f}`, message: this.views.t(page.locale, `campaignEdit.err.update.${f === 'title' ? 'title' : 'body'}`) })));
    }
    const key = str(body, 'idempotencyKey');
    try {
      await this.campaigns.postUpdate(page.tenant, id, form.value, page.principal!, IDEMPOTENCY_KEY.test(key) ? key : null);
    } catch (err) {
      const problem = this.problemOf(page, err, 'update-title');
      return again(problem.status, problem.errors.map((e) => ({ field: 'update-title', message: e.message })));
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=update`);
  }

  // ---- staff ------------------------------------------------------------------------------------

  @Get('staff/programmes/:programmeId/campaigns') @Roles(['staff'], 'programmeId')
  async staffPage(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: Record<string, unknown>) {
    return this.renderStaff(page, programmeId, { saved: typeof query.saved === 'string' ? query.saved : null });
  }

  @Post('staff/programmes/:programmeId/campaigns/:campaignId/review') @HttpCode(200) @Roles(['staff'], 'programmeId')
  async review(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('campaignId') id: string, @Body() body: Form, @Res() res: Response) {
    const field = `comment-${id}`;
    const form = checkForm(CampaignReviewDto, { decision: str(body, 'decision'), comment: str(body, 'comment') || undefined });
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderStaff(page, programmeId, { errorList: errors, errors: errorMap(errors), typedComments: { [id]: str(body, 'comment') } }));
    if (!form.ok) return again(400, [{ field: `decision-${id}`, message: this.views.t(page.locale, 'campaignStaff.err.decision') }]);
    try {
      await this.campaigns.review(page.tenant, programmeId, id, form.value, page.principal!);
    } catch (err) {
      const problem = this.problemOf(page, err, field);
      return again(problem.status, problem.errors.map((e) => ({
        field, message: e.field === 'comment' ? this.views.t(page.locale, 'campaignStaff.err.comment') : this.editMessage(page, e.field, e.message),
      })));
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/campaigns?saved=review#campaign-${id}`);
  }

  @Post('staff/programmes/:programmeId/campaign-settings') @HttpCode(200) @Roles(['staff'], 'programmeId')
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
      paymentProvider: str(body, 'paymentProvider'), settlementPolicy: str(body, 'settlementPolicy'),
      matchCountsTowardGoal: body.matchCountsTowardGoal === 'yes', matchOnlyListedRewards: body.matchOnlyListedRewards === 'yes',
      pendingGraceHours: int('pendingGraceHours', false), matchFactorPercent: int('matchFactorPercent', false),
      matchCapPerContributionCents: euros('matchCapPerContributionEuros'), matchCapPerCampaignCents: euros('matchCapPerCampaignEuros'),
      matchMaxPerContributor: int('matchMaxPerContributor', true),
    };
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderStaff(page, programmeId, { errorList: errors, errors: errorMap(errors), typedSettings: body }));
    const form = checkForm(CampaignSettingsDto, dto);
    if (!form.ok) {
      const names: Record<string, string> = { matchCapPerContributionCents: 'matchCapPerContributionEuros', matchCapPerCampaignCents: 'matchCapPerCampaignEuros' };
      for (const e of form.errors) {
        const field = names[e.field] ?? e.field;
        if (!problems.some((p) => p.field === field)) problems.push({ field, message: t('campaignStaff.err.range') });
      }
    }
    if (problems.length || !form.ok) return again(400, problems);
    try {
      await this.campaigns.saveSettings(page.tenant, programmeId, form.value, page.principal!);
    } catch (err) {
      const problem = this.problemOf(page, err, 'paymentProvider');
      return again(problem.status, problem.errors.map((e) => ({ field: 'paymentProvider', message: e.message })));
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/campaigns?saved=settings#settings-title`);
  }

  @Post('staff/programmes/:programmeId/match-budgets') @HttpCode(200) @Roles(['staff'], 'programmeId')
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
        if (!problems.some((p) => p.field === field)) problems.push({ field, message: t(field === 'partnerId' || field === 'kind' || field === 'scope' ? 'campaignStaff.err.choose' : 'campaignStaff.err.range') });
      }
    }
    if (problems.length || !form.ok) return again(400, problems);
    try {
      await this.campaigns.saveBudget(page.tenant, programmeId, form.value, page.principal!);
    } catch (err) {
      const problem = this.problemOf(page, err, 'totalEuros');
      return again(problem.status, problem.errors.map((e) => ({ field: e.field === 'partnerId' ? 'partnerId' : 'totalEuros', message: e.message })));
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/campaigns?saved=budget#budgets-title`);
  }

  // ---- rendering --------------------------------------------------------------------------------

  private async renderPublic(page: PageContext, p: CampaignPage, extra: {
    typed?: Record<string, unknown>; errorList?: FieldProblem[]; errors?: Record<string, string>; idempotencyKey?: string; notifyEmail?: string; subscribed?: boolean;
  } = {}) {
    const locale = page.locale;
    const c = p.campaign;
    const now = this.clock.now();
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(locale, key, vars);
    const path = `/programmes/${p.programme.slug}/campaigns/${c.slug}`;
    const site = await this.share.siteUrl(page.tenant);
    const imageHref = c.imageFileId ? `/campaigns/${c.id}/image?v=${c.imageFileId}` : null;
    const state = p.window.state;
    const date = (at: Date | null) => (at ? this.formatDate(page, at) : null);

    let countdown: string | null = null;
    if (state === 'before' && p.window.opensAt) {
      const left = countdownTo(p.window.opensAt, now)!;
      countdown = left.unit === 'soon'
        ? t('campaignPage.opensSoon', { date: date(p.window.opensAt) })
        : t(`campaignPage.opensIn.${left.unit}.${pluralOf(left.count, locale)}`, { count: left.count, date: date(p.window.opensAt) });
    }
    const outcome = state === 'closed'
      ? (['funded', 'not_funded', 'awaiting_funds'].includes(c.status) ? c.status : 'closing')
      : null;
    const typed = extra.typed;
    const chosen = typed ? String(typed.rewardTierId ?? '') : '';
    const rewards = p.rewards.map((r) => ({
      id: r.id, title: r.title, description: r.description, minText: formatMoney(r.minAmountCents, locale),
      limited: r.quantity !== null, remaining: r.remaining, soldOut: r.remaining === 0, delivery: monthText(r.estimatedDelivery, locale),
      checked: chosen === r.id,
    }));

    return this.views.page('pages/campaigns/campaign', page, {
      title: c.title,
      campaign: c,
      programme: p.programme,
      programmeHref: `/programmes/${p.programme.slug}`,
      path,
      imageHref,
      story: storyHtml(this.views, c),
      progress: campaignProgress({
        label: c.title, goalCents: c.goalCents, collectedCents: c.collectedCents, matchedCents: c.matchedCents,
        matchCountsTowardGoal: p.matchCountsTowardGoal, contributorCount: c.contributorCount, opensAt: p.window.opensAt, closesAt: p.window.closesAt,
        state: state === 'before' ? 'upcoming' : state, now, locale,
      }),
      before: state === 'before', open: state === 'open', closed: state === 'closed',
      countdown,
      closesText: date(p.window.closesAt),
      outcomeKey: outcome ? `campaignPage.outcome.${outcome}` : null,
      outcomeBadgeKey: outcome && outcome !== 'closing' ? `public.outcome.${outcome}` : null,
      rewards,
      noRewardChecked: !chosen,
      partners: p.partners,
      faq: c.faq,
      updates: p.updates.map((u) => ({ title: u.title, body: u.body, createdAt: u.createdAt })),
      values: typed ?? {},
      idempotencyKey: extra.idempotencyKey ?? randomUUID(),
      notifyEmail: extra.notifyEmail ?? '',
      subscribed: extra.subscribed ?? false,
      errorList: extra.errorList,
      errors: extra.errors ?? {},
      share: await this.share.build(page, {
        path, title: c.title, description: c.summary || c.story.replace(/<[^>]*>/g, ' ') || c.title,
        image: imageHref ? `${site}${imageHref}` : null, imageAlt: c.imageAlt, type: 'article',
      }),
    });
  }

  private async renderEditor(page: PageContext, id: string, extra: {
    errorList?: FieldProblem[]; errors?: Record<string, string>; typed?: Form; typedUpdate?: Record<string, string>; saved?: string | null;
  } = {}) {
    const p = await this.campaigns.editorPage(page.tenant, id, page.principal!);
    const c = p.campaign;
    const locale = page.locale;
    const typed = extra.typed;
    const value = (name: string, stored: unknown) => (typed ? str(typed, name) : stored ?? '');
    const editable = isEditable(c.status);
    const faqCount = Math.min(MAX_ROWS, Math.max(c.faq.length, typed ? rowsIn(typed, 'faq') : 0) + EMPTY_ROWS);
    const faqRows = Array.from({ length: faqCount }, (_, i) => ({
      index: i, number: i + 1,
      question: value(`faq.${i}.question`, c.faq[i]?.question), answer: value(`faq.${i}.answer`, c.faq[i]?.answer),
    }));
    const rewardCount = Math.min(MAX_ROWS, Math.max(p.rewards.length, typed ? rowsIn(typed, 'rewards') : 0) + EMPTY_ROWS);
    const rewardRows = Array.from({ length: rewardCount }, (_, i) => {
      const r: RewardTier | undefined = p.rewards[i];
      return {
        index: i, number: i + 1,
        id: value(`rewards.${i}.id`, r?.id), title: value(`rewards.${i}.title`, r?.title), description: value(`rewards.${i}.description`, r?.description),
        minAmount: value(`rewards.${i}.minAmount`, r ? centsToInput(r.minAmountCents, locale) : ''),
        quantity: value(`rewards.${i}.quantity`, r?.quantity ?? ''),
        estimatedDelivery: value(`rewards.${i}.estimatedDelivery`, r?.estimatedDelivery ?? ''),
        matchEligible: typed ? typed[`rewards.${i}.matchEligible`] === 'yes' : (r?.matchEligible ?? true),
        remaining: r && r.quantity !== null ? r.remaining : null,
      };
    });
    const collecting = ['live', 'awaiting_funds', 'funded', 'not_funded'].includes(c.status);
    const isStaff = hasRole(page.principal, ['staff', 'platform_admin'], c.programmeId);
    return this.views.page('pages/campaigns/edit', page, {
      title: this.views.t(locale, 'campaignEdit.title'),
      campaign: c, programme: p.programme,
      statusKey: `campaignEdit.status.${c.status}`,
      editable, collecting, isStaff,
      isLaureate: c.laureateUserId === page.principal!.userId,
      canSubmit: c.laureateUserId === page.principal!.userId && (c.status === 'draft' || c.status === 'changes_requested'),
      canReview: isStaff && (c.status === 'in_review' || c.status === 'approved'),
      publicHref: this.campaigns.isPublic(p.programme, c) ? `/programmes/${p.programme.slug}/campaigns/${c.slug}` : null,
      imageHref: c.imageFileId ? `/campaigns/${c.id}/image?v=${c.imageFileId}` : null,
      story: storyHtml(this.views, c),
      values: {
        title: value('title', c.title), summary: value('summary', c.summary), story: value('story', c.story),
        goalEuros: value('goalEuros', centsToInput(c.goalCents, locale)), imageAlt: value('imageAlt', c.imageAlt),
      },
      faqRows, rewardRows,
      progress: campaignProgress({
        label: c.title, goalCents: c.goalCents, collectedCents: c.collectedCents, matchedCents: c.matchedCents,
        matchCountsTowardGoal: p.matchCountsTowardGoal, contributorCount: c.contributorCount, opensAt: p.window.opensAt, closesAt: p.window.closesAt,
        state: p.window.state === 'before' ? 'upcoming' : p.window.state, now: this.clock.now(), locale,
      }),
      contributions: c.contributionCount,
      updates: p.updates.map((u) => ({ title: u.title, body: u.body, createdAt: u.createdAt })),
      typedUpdate: extra.typedUpdate ?? {},
      updateKey: randomUUID(),
      savedKey: extra.saved && ['campaign', 'image', 'submitted', 'update'].includes(extra.saved) ? `campaignEdit.saved.${extra.saved}` : null,
      errorList: extra.errorList, errors: extra.errors ?? {},
    });
  }

  private async renderStaff(page: PageContext, programmeId: string, extra: {
    errorList?: FieldProblem[]; errors?: Record<string, string>; typedComments?: Record<string, string>; typedSettings?: Form; typedBudget?: Form; saved?: string | null;
  } = {}) {
    const locale = page.locale;
    const o = await this.campaigns.overview(page.tenant, programmeId);
    const settings = await this.campaigns.settingsFor(page.tenant, programmeId);
    const partners = await this.campaigns.programmePartners(page.tenant, programmeId);
    const partnerName = new Map(partners.map((x) => [x.id, x.name]));
    const money = (cents: number | null) => (cents === null ? '' : formatMoney(cents, locale));
    const ts = extra.typedSettings;
    const tb = extra.typedBudget;
    const laureates = o.laureates.map((l) => {
      const c: Campaign | null = l.campaign;
      return {
        title: l.title, campaign: c,
        statusKey: c ? `campaignEdit.status.${c.status}` : 'campaignStaff.notStarted',
        collected: c ? money(c.collectedCents) : '', matched: c && c.matchedCents ? money(c.matchedCents) : '', goal: c ? money(c.goalCents) : '',
        contributors: c?.contributorCount ?? 0,
        publicHref: c && this.campaigns.isPublic(o.programme, c) ? `/programmes/${o.programme.slug}/campaigns/${c.slug}` : null,
        canReview: !!c && (c.status === 'in_review' || c.status === 'approved'),
        comment: c ? (extra.typedComments?.[c.id] ?? '') : '',
        commentError: c ? extra.errors?.[`comment-${c.id}`] : undefined,
        decisionError: c ? extra.errors?.[`decision-${c.id}`] : undefined,
      };
    });
    return this.views.page('pages/campaigns/staff', page, {
      title: this.views.t(locale, 'campaignStaff.title'),
      programme: o.programme, laureates,
      settings: settingsValues(settings, ts, locale),
      budgets: o.budgets.map((b: MatchBudget) => ({
        ...b, partnerName: partnerName.get(b.partnerId) ?? b.partnerId, total: money(b.totalCents), remaining: money(b.remainingCents),
        grant: money(b.grantCents), kindKey: `campaignStaff.kind.${b.kind}`, scopeKey: `campaignStaff.scope.${b.scope}`,
      })),
      partners: partners.map((x) => ({ ...x, selected: tb ? str(tb, 'partnerId') === x.id : false })),
      budget: {
        kind: tb ? str(tb, 'kind') : 'ratio', scope: tb ? str(tb, 'scope') : 'all', totalEuros: tb ? str(tb, 'totalEuros') : '',
        grantEuros: tb ? str(tb, 'grantEuros') : '', grantThresholdPercent: tb ? str(tb, 'grantThresholdPercent') : '', grantMinContributors: tb ? str(tb, 'grantMinContributors') : '',
      },
      frozen: ['campaign', 'settlement', 'results'].includes(o.programme.phase),
      savedKey: extra.saved && ['review', 'settings', 'budget'].includes(extra.saved) ? `campaignStaff.saved.${extra.saved}` : null,
      errorList: extra.errorList, errors: extra.errors ?? {},
    });
  }

  // ---- messages ---------------------------------------------------------------------------------

  private message(page: PageContext, err: DomainError): string {
    const desc = ERROR_CATALOGUE[err.code];
    return desc ? describeMessage(desc, page.locale, err.details) : err.code;
  }

  /** A domain error as messages for the page (in its language); not found and access errors stay errors. */
  private problemOf(page: PageContext, err: unknown, field: string): { status: number; errors: FieldProblem[] } {
    if (!(err instanceof DomainError) || !ERROR_CATALOGUE[err.code] || ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'].includes(err.code)) throw err;
    const status = ERROR_CATALOGUE[err.code].status;
    if (err.fieldErrors.length) return { status, errors: err.fieldErrors };
    return { status, errors: [{ field, message: this.message(page, err) }] };
  }

  private contributeMessage(page: PageContext, field: string, p: CampaignPage, rewardId?: string): string {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    if (field === 'amount') {
      const reward = rewardId ? p.rewards.find((r) => r.id === rewardId) : undefined;
      return reward ? t('contribute.err.amountReward', { min: formatMoney(reward.minAmountCents, page.locale) }) : t('contribute.err.amount');
    }
    const keys: Record<string, string> = { email: 'email', displayName: 'displayName', message: 'message', rewardTierId: 'reward', locale: 'resend', anonymous: 'resend' };
    return t(`contribute.err.${keys[field] ?? 'resend'}`);
  }

  /** A message for a field of the editor (or of the completeness check), in the page's language. */
  private editMessage(page: PageContext, field: string, fallback: string): string {
    const prop = field.split('.').pop()!;
    const key = field.startsWith('rewards.') ? `campaignEdit.err.reward.${prop}` : field.startsWith('faq.') ? `campaignEdit.err.faq.${prop}` : `campaignEdit.err.${prop}`;
    return this.views.translations.has(key) ? this.views.t(page.locale, key) : fallback;
  }

  private formatDate(page: PageContext, at: Date): string {
    return formatInstant(at, page.locale, page.tenant.timeZone);
  }
}

/** The campaign's story: HTML the service sanitised to an allow-list on save, so it is marked safe here (and only here). */
function storyHtml(views: ViewService, c: Campaign) {
  return views.safe(c.story);
}

/** How many rows of a repeated group the submitted form had. */
function rowsIn(body: Form, group: 'faq' | 'rewards'): number {
  let n = 0;
  for (const k of Object.keys(body)) {
    const m = new RegExp(`^${group}\\.(\\d+)\\.`).exec(k);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return Math.min(n, MAX_ROWS);
}

/**
 * The editor's form as the API's DTO: euros to cents, empty rows dropped. Returns the form row of each
 * kept FAQ entry and reward, so that a DTO error ("rewards.0.title") lands on its row of the form.
 */
export function campaignFormToDto(body: Form) {
  const problems: FieldProblem[] = [];
  const dto: Record<string, unknown> = {
    title: str(body, 'title'), summary: str(body, 'summary'), story: typeof body.story === 'string' ? body.story : '', imageAlt: str(body, 'imageAlt'),
  };
  const goal = eurosToCents(str(body, 'goalEuros'));
  if (goal === null) problems.push({ field: 'goalEuros', message: 'must be an amount in euros' });
  else dto.goalCents = goal;
  const faqRows: number[] = [];
  const faq: Array<{ question: string; answer: string }> = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const question = str(body, `faq.${i}.question`);
    const answer = str(body, `faq.${i}.answer`);
    if (!question && !answer) continue;
    faq.push({ question, answer });
    faqRows.push(i);
  }
  const rewardRows: number[] = [];
  const rewards: Array<Record<string, unknown>> = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const f = (name: string) => str(body, `rewards.${i}.${name}`);
    if (!f('title') && !f('description') && !f('minAmount') && !f('quantity') && !f('estimatedDelivery')) continue;
    const min = eurosToCents(f('minAmount'));
    if (min === null) problems.push({ field: `rewards.${i}.minAmount`, message: 'must be an amount in euros' });
    const quantity = integerOrNull(f('quantity'));
    if (quantity === undefined) problems.push({ field: `rewards.${i}.quantity`, message: 'must be a whole number' });
    rewards.push({
      ...(f('id') ? { id: f('id') } : {}), title: f('title'), description: f('description'), minAmountCents: min ?? 100,
      quantity: quantity ?? null, estimatedDelivery: f('estimatedDelivery') || null, matchEligible: body[`rewards.${i}.matchEligible`] === 'yes',
    });
    rewardRows.push(i);
  }
  dto.faq = faq;
  dto.rewards = rewards;
  return { dto, problems, faqRows, rewardRows };
}

/** A DTO field path ("rewards.0.minAmountCents") as the form's field ("rewards.3.minAmount"). */
function formFieldOf(field: string, faqRows: number[], rewardRows: number[]): string {
  if (field === 'goalCents') return 'goalEuros';
  const m = /^(faq|rewards)\.(\d+)(?:\.(\w+))?/.exec(field);
  if (!m) return field;
  const row = (m[1] === 'faq' ? faqRows : rewardRows)[Number(m[2])] ?? Number(m[2]);
  const prop = m[3] === 'minAmountCents' ? 'minAmount' : m[3] ?? (m[1] === 'faq' ? 'question' : 'title');
  return `${m[1]}.${row}.${prop}`;
}

function settingsValues(s: CampaignSettings, typed: Form | undefined, locale: Locale) {
  if (typed) {
    return {
      paymentProvider: str(typed, 'paymentProvider'), settlementPolicy: str(typed, 'settlementPolicy'),
      matchCountsTowardGoal: typed.matchCountsTowardGoal === 'yes', matchOnlyListedRewards: typed.matchOnlyListedRewards === 'yes',
      pendingGraceHours: str(typed, 'pendingGraceHours'), matchFactorPercent: str(typed, 'matchFactorPercent'),
      matchCapPerContributionEuros: str(typed, 'matchCapPerContributionEuros'), matchCapPerCampaignEuros: str(typed, 'matchCapPerCampaignEuros'),
      matchMaxPerContributor: str(typed, 'matchMaxPerContributor'),
    };
  }
  return {
    paymentProvider: s.paymentProvider, settlementPolicy: s.settlementPolicy, matchCountsTowardGoal: s.matchCountsTowardGoal,
    matchOnlyListedRewards: s.matchOnlyListedRewards, pendingGraceHours: String(s.pendingGraceHours), matchFactorPercent: String(s.matchFactorPercent),
    matchCapPerContributionEuros: centsToInput(s.matchCapPerContributionCents, locale), matchCapPerCampaignEuros: centsToInput(s.matchCapPerCampaignCents, locale),
    matchMaxPerContributor: s.matchMaxPerContributor === null ? '' : String(s.matchMaxPerContributor),
  };
}
