import { ErrorMessages } from '../common/errors/error-messages.js';
import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { Public, SignedIn } from '../auth/roles.guard.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { centsToInput, parseMoneyInput } from '../common/web/money.js';
import { hasRole } from '../auth/principal.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { ViewService } from '../common/web/view.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ShareMetaService } from '../public/share-meta.service.js';
import { messageOf, placeOnForm, problemOf } from './campaign-page-errors.js';
import { localizedFromForm } from '../common/web/language-fields.js';
import { campaignFormToDto, formFieldOf, str, type Form } from './campaign-form.js';
import {
  campaignPageModel,
  campaignShare,
  contributeMessage,
  contributionModel,
  editMessage,
  editorModel,
  type EditorExtra,
  IDEMPOTENCY_KEY,
  pageTools,
  type PublicExtra,
} from './campaign-pages.view.js';
import { CampaignsService, type CampaignPage } from './campaigns.service.js';
import { ContributionsService } from './contributions.service.js';
import { campaignCsp, pageNumber } from './campaign-social.view.js';
import { SupportersService } from './supporters.service.js';
import { CampaignUpdateDto, ContributeDto, MAX_CENTS, SubscribeDto, UpdateCampaignDto } from './dto/campaigns.dto.js';
import { formatMoney } from '../common/i18n/format.js';
import { PageViewsService } from './page-views.service.js';

/** Stand-ins for a visitor's own values in a shared rendering (unguessable: no text a person writes contains them). */
const CSRF_STAND_IN = `csrf-${randomUUID()}`;
const IDEMPOTENCY_STAND_IN = `key-${randomUUID()}`;

/**
 * Campaign pages, server-rendered and usable without JavaScript: the citizens' campaign page with its
 * contribute and "notify me" forms, the contribution status and pledge confirmation pages, and the
 * laureate's editor (the staff page is CampaignsStaffPagesController). The rules stay in the services,
 * the models in campaign-pages.view.ts; this controller turns forms into DTOs and domain errors into
 * messages next to the fields.
 */
@ApiExcludeController()
@Controller()
export class CampaignsPagesController {
  constructor(
    private readonly errors: ErrorMessages,
    private readonly campaigns: CampaignsService,
    private readonly contributions: ContributionsService,
    private readonly supporters: SupportersService,
    private readonly pageViews: PageViewsService,
    private readonly share: ShareMetaService,
    private readonly limiter: RateLimiter,
    private readonly views: ViewService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- citizens ---------------------------------------------------------------------------------

  /** Origins besides https ones the contribute form may be redirected to (STRIPE_API_URL: a local stand-in, in tests). */
  private formOrigins(): string[] {
    return this.config.stripeApiUrl ? [new URL(this.config.stripeApiUrl).origin] : [];
  }

  private csp(): string {
    return campaignCsp(this.formOrigins());
  }

  private formMayGoTo(url: string): boolean {
    const u = URL.parse(url);
    return !!u && (u.protocol === 'https:' || this.formOrigins().includes(u.origin));
  }

  @Get('programmes/:slug/campaigns/:campaignSlug')
  @Public()
  async campaignPage(
    @Page() page: PageContext,
    @Param('slug') slug: string,
    @Param('campaignSlug') campaignSlug: string,
    @Query() query: Record<string, unknown>,
    @Req() req: TremplinRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    // Each page sent carries this visitor's CSRF token and a fresh idempotency key: never shared.
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Content-Security-Policy', this.csp());
    // A reward picked on its card (`?reward=<id>`): the form opens with it chosen and its minimum filled in.
    const extra = (p: CampaignPage): PublicExtra => {
      const picked = p.window.state === 'open' ? p.rewards.find((r) => r.id === query.reward && r.remaining !== 0) : undefined;
      return {
        subscribed: query.subscribed === '1',
        typed: picked ? { rewardTierId: picked.id, amount: centsToInput(picked.minAmountCents, page.locale) } : undefined,
      };
    };
    if (page.principal) {
      // A signed-in header (name, sign-out form) is this person's: rendered for them alone.
      const p = await this.campaigns.publicPage(page.tenant, slug, campaignSlug, pageNumber(query.supporters));
      this.pageViews.record(p.campaign.id, req.headers['user-agent']);
      return this.renderPublic(page, p, extra(p));
    }
    // Anonymous: one rendering per page and variant (language, address), with stand-ins for the
    // visitor's values, cached with the page (forgotten with it).
    const variant = await this.share.renderingKey(page);
    const { page: p, html } = await this.campaigns.publicPageRendered(page.tenant, slug, campaignSlug, pageNumber(query.supporters), variant, (p) =>
      this.renderPublic({ ...page, csrfToken: CSRF_STAND_IN }, p, extra(p), IDEMPOTENCY_STAND_IN),
    );
    this.pageViews.record(p.campaign.id, req.headers['user-agent']);
    return html.replaceAll(CSRF_STAND_IN, page.csrfToken ?? '').replaceAll(IDEMPOTENCY_STAND_IN, randomUUID());
  }

  @Post('programmes/:slug/campaigns/:campaignSlug/contribute')
  @HttpCode(200)
  @Public()
  async contribute(
    @Page() page: PageContext,
    @Param('slug') slug: string,
    @Param('campaignSlug') campaignSlug: string,
    @Body() body: Form,
    @Req() req: TremplinRequest,
    @Res() res: Response,
  ) {
    const p = await this.campaigns.publicPage(page.tenant, slug, campaignSlug);
    const postedKey = str(body, 'idempotencyKey');
    const typed = {
      amount: str(body, 'amount'),
      rewardTierId: str(body, 'rewardTierId'),
      displayName: str(body, 'displayName'),
      anonymous: body.anonymous === 'yes',
      consentCampaignNews: body.consentCampaignNews === 'yes',
      email: str(body, 'email'),
      message: str(body, 'message'),
    };
    const again = async (status: number, errors: FieldProblem[], freshKey = false) => {
      const fresh = await this.campaigns.publicPage(page.tenant, slug, campaignSlug);
      const key = !freshKey && IDEMPOTENCY_KEY.test(postedKey) ? postedKey : randomUUID();
      res.setHeader('Content-Security-Policy', this.csp()); // the form sent again may lead to the payment page too
      return res.status(status).send(await this.renderPublic(page, fresh, { typed, errorList: errors, errors: errorMap(errors) }, key));
    };
    const k = pageTools(this.views, page, this.clock.now());

    try {
      await this.limiter.hit(`contribute:ip:${req.ip}`, this.config.contributionRateLimit, 60);
    } catch (err) {
      const placed = err instanceof DomainError && err.code === 'RATE_LIMITED' ? placeOnForm(this.errors, 'contribute', page.locale, err) : null;
      if (placed) return again(placed.status, placed.errors);
      throw err;
    }
    const problems: FieldProblem[] = [];
    const parsed = parseMoneyInput(typed.amount);
    const amountCents = parsed.ok ? parsed.cents : null;
    // Too much is its own message: "at least 1 €" would be no help to someone who typed a billion.
    if ((!parsed.ok && parsed.error === 'too_large') || (amountCents !== null && amountCents > MAX_CENTS))
      problems.push({ field: 'amount', message: k.t('contribute.err.amountMax', { max: formatMoney(MAX_CENTS, k.locale) }) });
    else if (amountCents === null) problems.push({ field: 'amount', message: k.t('contribute.err.amount') });
    const locale = typeof body.locale === 'string' && page.tenant.languages.includes(body.locale) ? body.locale : page.locale;
    const form = checkForm(ContributeDto, {
      amountCents: amountCents ?? 100,
      rewardTierId: typed.rewardTierId || null,
      email: typed.email,
      displayName: typed.displayName || undefined,
      anonymous: typed.anonymous,
      consentCampaignNews: typed.consentCampaignNews,
      message: typed.message,
      locale,
    });
    if (!form.ok) {
      for (const e of form.errors) {
        const field = e.field === 'amountCents' ? 'amount' : e.field;
        if (!problems.some((x) => x.field === field)) problems.push({ field, message: contributeMessage(k, field, p) });
      }
    }
    if (problems.length || !form.ok) return again(400, problems);
    if (!IDEMPOTENCY_KEY.test(postedKey)) return again(400, [{ field: 'contribute', message: k.t('contribute.err.resend') }], true);

    try {
      const receipt = await this.contributions.contribute(page.tenant, p.campaign.id, form.value, postedKey);
      // Straight to the provider's page when the campaign page's policy lets the form go there (https, or
      // the configured stand-in); else the status page, whose button leads to it.
      const pay = receipt.payment.kind === 'redirect' && receipt.contribution.status === 'pending' ? receipt.payment.url : null;
      if (pay && this.formMayGoTo(pay)) return res.redirect(303, pay);
      return res.redirect(303, `${page.basePath}/contributions/${receipt.contribution.id}`);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      if (err.code === 'VALIDATION_FAILED' || err.code === 'REWARD_NOT_FOUND') {
        return again(
          400,
          err.fieldErrors.map((e) => {
            const field = e.field === 'amountCents' ? 'amount' : e.field;
            return { field, message: contributeMessage(k, field, p, typed.rewardTierId) };
          }),
        );
      }
      if (err.code === 'IDEMPOTENCY_KEY_REUSED' || err.code === 'IDEMPOTENCY_KEY_REQUIRED') {
        // The same form sent again with other values: a new key, and the person checks and sends again.
        return again(409, [{ field: 'contribute', message: k.t('contribute.err.resend') }], true);
      }
      const placed = placeOnForm(this.errors, 'contribute', page.locale, err);
      if (placed) return again(placed.status, placed.errors);
      throw err;
    }
  }

  /** "Notify me" before the window: one e-mail when the collection opens. */
  @Post('programmes/:slug/campaigns/:campaignSlug/notify')
  @HttpCode(200)
  @Public()
  async notify(
    @Page() page: PageContext,
    @Param('slug') slug: string,
    @Param('campaignSlug') campaignSlug: string,
    @Body() body: Form,
    @Req() req: TremplinRequest,
    @Res() res: Response,
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
      const placed = placeOnForm(this.errors, 'notify', page.locale, err);
      if (placed) return again(placed.status, placed.errors);
      throw err;
    }
    return res.redirect(303, `${page.basePath}/programmes/${slug}/campaigns/${campaignSlug}?subscribed=1#notify-title`);
  }

  /** Opening the e-mailed link shows a button: mail scanners that follow links do not confirm pledges. */
  @Get('contributions/confirm')
  @Public()
  confirmPage(@Page() page: PageContext, @Query('token') token: unknown, @Res({ passthrough: true }) res: Response) {
    if (typeof token !== 'string' || !token || token.length > 200) throw new DomainError('CONTRIBUTION_LINK_INVALID');
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return this.views.page('pages/campaigns/confirm', page, { title: this.views.t(page.locale, 'contribution.confirmTitle'), token });
  }

  @Post('contributions/confirm')
  @HttpCode(200)
  @Public()
  async confirm(@Page() page: PageContext, @Body() body: Form, @Res() res: Response) {
    const token = str(body, 'token');
    try {
      const c = await this.contributions.confirmPledge(page.tenant, token);
      return res.redirect(303, `${page.basePath}/contributions/${c.id}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CONTRIBUTION_LINK_INVALID') {
        return res.status(404).send(
          this.views.page('pages/campaigns/confirm', page, {
            title: this.views.t(page.locale, 'contribution.confirmTitle'),
            invalid: messageOf(this.errors, page.locale, err),
          }),
        );
      }
      throw err;
    }
  }

  /** A contribution's status, by its reference (an unguessable id known to the contributor). */
  @Get('contributions/:contributionId')
  @Public()
  async contribution(
    @Page() page: PageContext,
    @Param('contributionId') id: string,
    @Query('checkout') checkout: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const s = await this.contributions.statusPage(page.tenant, id);
    res.setHeader('Cache-Control', 'private, no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    return this.views.page('pages/campaigns/contribution', page, contributionModel(s, pageTools(this.views, page, this.clock.now()), checkout));
  }

  // ---- laureates --------------------------------------------------------------------------------

  /** From "My space": the laureate's campaign in this programme, created as a draft on first visit. */
  @Get('programmes/:programmeId/campaign')
  @SignedIn()
  async mine(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Res() res: Response) {
    const c = await this.campaigns.mine(page.tenant, programmeId, page.principal!);
    return res.redirect(303, `${page.basePath}/campaigns/${c.id}/edit`);
  }

  @Get('campaigns/:campaignId/edit')
  @SignedIn()
  async edit(@Page() page: PageContext, @Param('campaignId') id: string, @Query() query: Record<string, unknown>) {
    return this.renderEditor(page, id, { saved: typeof query.saved === 'string' ? query.saved : null, query });
  }

  @Post('campaigns/:campaignId/edit')
  @HttpCode(200)
  @SignedIn()
  async save(@Page() page: PageContext, @Param('campaignId') id: string, @Body() body: Form, @Res() res: Response) {
    await this.campaigns.get(page.tenant, id, page.principal!); // not theirs: 404 before anything else
    const { dto, problems, faqRows, rewardRows } = campaignFormToDto(body, page.tenant.languages);
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderEditor(page, id, { errorList: errors, errors: errorMap(errors), typed: body }));
    const form = checkForm(UpdateCampaignDto, dto);
    const errors = [...problems];
    if (!form.ok) {
      const k = pageTools(this.views, page, this.clock.now());
      for (const e of form.errors) {
        const field = formFieldOf(e.field, faqRows, rewardRows);
        if (!errors.some((x) => x.field === field)) errors.push({ field, message: editMessage(k, field, e.message) });
      }
    }
    if (errors.length || !form.ok) return again(400, errors);
    try {
      await this.campaigns.update(page.tenant, id, form.value, page.principal!);
    } catch (err) {
      const problem = problemOf(this.errors, page.locale, err, 'title');
      return again(
        problem.status,
        problem.errors.map((e) => ({ field: formFieldOf(e.field, faqRows, rewardRows), message: e.message })),
      );
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=campaign`);
  }

  @Post('campaigns/:campaignId/submit')
  @HttpCode(200)
  @SignedIn()
  async submit(@Page() page: PageContext, @Param('campaignId') id: string, @Res() res: Response) {
    await this.campaigns.get(page.tenant, id, page.principal!);
    try {
      await this.campaigns.submit(page.tenant, id, page.principal!);
    } catch (err) {
      const problem = problemOf(this.errors, page.locale, err, 'submit');
      const k = pageTools(this.views, page, this.clock.now());
      const errors = problem.errors.map((e) => ({ field: e.field, message: editMessage(k, e.field, e.message) }));
      return res.status(problem.status).send(await this.renderEditor(page, id, { errorList: errors, errors: errorMap(errors) }));
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=submitted`);
  }

  /** News to the contributors; the hidden key makes a double submit post once. */
  @Post('campaigns/:campaignId/updates')
  @HttpCode(200)
  @SignedIn()
  async postUpdate(@Page() page: PageContext, @Param('campaignId') id: string, @Body() body: Form, @Res() res: Response) {
    await this.campaigns.get(page.tenant, id, page.principal!);
    const typedUpdate = body;
    const again = async (status: number, errors: FieldProblem[]) =>
      res.status(status).send(await this.renderEditor(page, id, { errorList: errors, errors: errorMap(errors), typedUpdate }));
    const form = checkForm(CampaignUpdateDto, {
      title: localizedFromForm(body, 'update-title', page.tenant.languages),
      body: localizedFromForm(body, 'update-body', page.tenant.languages),
    });
    if (!form.ok) {
      const fields = [...new Set(form.errors.map((e) => e.field))];
      return again(
        400,
        fields.map((f) => ({ field: `update-${f}`, message: this.views.t(page.locale, `campaignEdit.err.update.${f === 'title' ? 'title' : 'body'}`) })),
      );
    }
    const key = str(body, 'idempotencyKey');
    try {
      await this.campaigns.postUpdate(page.tenant, id, form.value, page.principal!, IDEMPOTENCY_KEY.test(key) ? key : null);
    } catch (err) {
      const problem = problemOf(this.errors, page.locale, err, 'update-title');
      return again(
        problem.status,
        problem.errors.map((e) => ({ field: 'update-title', message: e.message })),
      );
    }
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=update`);
  }

  /** The laureate hides a supporter's message from the wall (the name stays); 404 for anyone else. */
  @Post('campaigns/:campaignId/supporters/:contributionId/hide')
  @HttpCode(200)
  @SignedIn()
  async hideMessage(
    @Page() page: PageContext,
    @Param('campaignId') id: string,
    @Param('contributionId') contributionId: string,
    @Body() body: Form,
    @Res() res: Response,
  ) {
    await this.supporters.hideMessage(page.tenant, id, contributionId, page.principal!);
    const n = pageNumber(str(body, 'supporters'));
    return res.redirect(303, `${page.basePath}/campaigns/${id}/edit?saved=message${n > 1 ? `&supporters=${n}` : ''}#wall-title`);
  }

  // ---- rendering --------------------------------------------------------------------------------

  private async renderPublic(page: PageContext, p: CampaignPage, extra: PublicExtra = {}, idempotencyKey: string = randomUUID()) {
    const site = await this.share.siteUrl(page.tenant);
    const k = pageTools(this.views, page, this.clock.now());
    const share = await this.share.build(page, campaignShare(p, site, k));
    const model = campaignPageModel(p, { ...extra, idempotencyKey, shareUrl: share.canonical }, k);
    return this.views.page('pages/campaigns/campaign', page, { ...model, share });
  }

  private async renderEditor(page: PageContext, id: string, extra: EditorExtra = {}) {
    const p = await this.campaigns.editorPage(page.tenant, id, page.principal!, pageNumber(extra.query?.supporters));
    const c = p.campaign;
    const viewer = { userId: page.principal!.userId, isStaff: hasRole(page.principal, ['staff', 'platform_admin'], c.programmeId) };
    const links = {
      publicHref: this.campaigns.isPublic(p.programme, c) ? `/programmes/${p.programme.slug}/campaigns/${c.slug}` : null,
      updateKey: randomUUID(),
    };
    return this.views.page('pages/campaigns/edit', page, editorModel(p, extra, viewer, links, pageTools(this.views, page, this.clock.now())));
  }
}
