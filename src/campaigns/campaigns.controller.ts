import type { Locale as Lang } from '../common/i18n/localized.js';
import { Locale } from '../common/web/locale.decorator.js';
import { Body, Controller, Get, Header, HttpCode, Param, Patch, Post, Put, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiBearerAuth, ApiConsumes, ApiHeader, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Roles, SignedIn } from '../auth/roles.guard.js';
import { RateLimiter } from '../auth/rate-limiter.service.js';
import { Inject } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { fieldProblem, DomainError } from '../common/errors/domain-error.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { FileUpload } from '../storage/file-transfer.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { Campaign, CampaignSettings, Contribution, MatchBudget, RewardTier } from './campaign.entity.js';
import { CampaignsStaffService } from './campaigns-staff.service.js';
import { CampaignsService, type CampaignPage } from './campaigns.service.js';
import { CampaignImagesService } from './campaign-images.service.js';
import { COVER_RULES } from '../storage/image-rules.js';
import type { UploadedImageFile } from '../storage/images.js';
import { localizedFromForm } from '../common/web/language-fields.js';
import { ContributionsExportService } from './contributions-export.service.js';
import { ContributionsService, type ContributionReceipt } from './contributions.service.js';
import { percentOfGoal } from './domain/settlement.js';
import {
  CampaignReviewDto,
  CampaignSettingsDto,
  CampaignUpdateDto,
  ContributeDto,
  MatchBudgetDto,
  SubscribeDto,
  UpdateCampaignDto,
} from './dto/campaigns.dto.js';

/** A reward tier of a campaign: what a contributor gets from a minimum amount, and how many are left. */
export function rewardView(r: RewardTier) {
  return {
    id: r.id,
    title: r.title,
    description: r.description,
    minAmountCents: r.minAmountCents,
    quantity: r.quantity,
    remaining: r.remaining,
    estimatedDelivery: r.estimatedDelivery,
    matchEligible: r.matchEligible,
    soldOut: r.remaining === 0,
  };
}

function totals(c: Campaign) {
  return {
    goalCents: c.goalCents,
    collectedCents: c.collectedCents,
    matchedCents: c.matchedCents,
    totalCents: c.collectedCents + c.matchedCents,
    percentOfGoal: percentOfGoal(c.collectedCents + c.matchedCents, c.goalCents),
    contributions: c.contributionCount,
    contributors: c.contributorCount,
  };
}

/** The laureate's and staff's view of a campaign. */
function campaignView(c: Campaign, rewards: RewardTier[] = []) {
  return {
    id: c.id,
    programmeId: c.programmeId,
    applicationId: c.applicationId,
    slug: c.slug,
    status: c.status,
    title: c.title,
    summary: c.summary,
    story: c.story,
    cover: c.cover,
    imageAlt: c.imageAlt,
    gallery: c.gallery,
    faq: c.faq,
    reviewComment: c.reviewComment,
    submittedAt: c.submittedAt,
    approvedAt: c.approvedAt,
    openedAt: c.openedAt,
    closedAt: c.closedAt,
    settledAt: c.settledAt,
    pageViews: c.pageViews,
    ...totals(c),
    rewards: rewards.map(rewardView),
  };
}

/** What anyone may read about a public campaign. */
export function publicCampaignView(p: CampaignPage) {
  const c = p.campaign;
  return {
    id: c.id,
    programmeSlug: p.programme.slug,
    slug: c.slug,
    status: c.status,
    title: c.title,
    summary: c.summary,
    story: c.story,
    imageAlt: c.imageAlt,
    hasImage: !!c.cover,
    cover: c.cover,
    gallery: c.gallery,
    faq: c.faq,
    ...totals(c),
    rewards: p.rewards.map(rewardView),
    partners: p.partners,
    window: p.window,
    updates: p.updates.map((u) => ({ id: u.id, title: u.title, body: u.body, createdAt: u.createdAt })),
  };
}

/** A contribution to a campaign (amounts in euro cents), as its contributor and staff see it. */
function contributionView(c: Contribution) {
  return {
    id: c.id,
    campaignId: c.campaignId,
    status: c.status,
    amountCents: c.amountCents,
    matchedCents: c.matchedCents,
    rewardTierId: c.rewardTierId,
    anonymous: c.anonymous,
    displayName: c.displayName,
    receiptNumber: c.receiptNumber,
    createdAt: c.createdAt,
    confirmedAt: c.confirmedAt,
    expiresAt: c.expiresAt,
  };
}

/** A contribution just made: the contribution, where to pay it and whether it replays an earlier request. */
function receiptView(r: ContributionReceipt) {
  return { ...contributionView(r.contribution), payment: r.payment, replayed: r.replayed };
}

/** How the campaigns of a programme run: payment, the match-funding rules, the grace period of pending contributions. */
function campaignSettingsView(s: CampaignSettings | null) {
  if (!s) return null;
  const { id: _id, tenantId: _t, programmeId: _p, ...rest } = s;
  return { ...rest };
}

/** A partner's match-funding budget for the programme (amounts in euro cents). */
function matchBudgetView(b: MatchBudget) {
  return {
    id: b.id,
    partnerId: b.partnerId,
    kind: b.kind,
    scope: b.scope,
    totalCents: b.totalCents,
    remainingCents: b.remainingCents,
    grantCents: b.grantCents,
    grantThresholdPercent: b.grantThresholdPercent,
    grantMinContributors: b.grantMinContributors,
  };
}

/** Campaigns: the laureate's page and news, staff review and money rules, citizens' contributions. */
@ApiTags('campaigns')
@ApiBearerAuth()
@Controller()
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly campaignsStaff: CampaignsStaffService,
    private readonly images: CampaignImagesService,
    private readonly contributions: ContributionsService,
    private readonly contributionsExport: ContributionsExportService,
    private readonly limiter: RateLimiter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // ---- laureate ----

  @Get('api/programmes/:programmeId/campaigns/mine')
  @Roles(['applicant'], 'programmeId')
  @ApiOperation({ summary: 'My campaign', description: "The laureate's campaign in this programme, created as a draft from their application on first call." })
  async mine(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    const c = await this.campaigns.mine(tenant, programmeId, p);
    const { rewards } = await this.campaigns.get(tenant, c.id, p);
    return campaignView(c, rewards);
  }

  @Get('api/campaigns/:campaignId')
  @SignedIn()
  @ApiOperation({ summary: 'Read a campaign', description: 'A campaign with its texts, goal, image and state (its laureate, or staff).' })
  async get(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('campaignId') id: string) {
    const { campaign, rewards } = await this.campaigns.get(tenant, id, p);
    return campaignView(campaign, rewards);
  }

  @Patch('api/campaigns/:campaignId')
  @SignedIn()
  @ApiOperation({ summary: 'Edit a campaign', description: "Changes a draft campaign's texts per language, goal and rewards." })
  async update(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('campaignId') id: string, @Body() dto: UpdateCampaignDto) {
    const { campaign, rewards } = await this.campaigns.update(tenant, id, dto, p);
    return campaignView(campaign, rewards);
  }

  @Post('api/campaigns/:campaignId/image')
  @SignedIn()
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileUpload('image', COVER_RULES.maxBytes * 2))
  @ApiOperation({ summary: 'Set the campaign image', description: "Uploads the campaign's image (multipart, field `file`; PNG, JPEG or WebP)." })
  async image(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('campaignId') id: string,
    @UploadedFile() file: UploadedImageFile | undefined,
    @Body() body: Record<string, unknown>,
  ) {
    // The cover, with its text alternative in `imageAlt.<lang>` fields (else the one already stored).
    await this.campaigns.get(tenant, id, p); // someone else's campaign is not found, before the upload is checked
    const alt = localizedFromForm(body ?? {}, 'imageAlt', tenant.languages);
    return campaignView(await this.images.setCover(tenant, id, file, Object.keys(alt).length ? alt : undefined, p));
  }

  @Post('api/campaigns/:campaignId/submit')
  @SignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit a campaign for review', description: 'The laureate hands the campaign to staff for review.' })
  async submit(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('campaignId') id: string) {
    return campaignView(await this.campaigns.submit(tenant, id, p));
  }

  @Post('api/campaigns/:campaignId/updates')
  @SignedIn()
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiOperation({ summary: 'Post a campaign update', description: "A news item for the campaign's contributors and subscribers." })
  async postUpdate(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('campaignId') id: string,
    @Body() dto: CampaignUpdateDto,
    @Req() req: TremplinRequest,
  ) {
    const u = await this.campaigns.postUpdate(tenant, id, dto, p, idempotencyKeyOf(req, false));
    return { id: u.id, title: u.title, body: u.body, createdAt: u.createdAt };
  }

  @Get('api/campaigns/:campaignId/contributors.csv')
  @SignedIn()
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({ summary: 'Export contributors', description: "The campaign's contributors who agreed to be known, as CSV." })
  async contributorsCsv(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('campaignId') id: string,
    @Res({ passthrough: true }) res: Response,
    @Locale() locale: Lang,
  ) {
    res.setHeader('Content-Disposition', 'attachment; filename="contributors.csv"');
    return this.campaigns.contributorsCsv(tenant, id, p, locale);
  }

  // ---- staff ----

  @Get('api/programmes/:programmeId/campaigns')
  @Roles(['staff'], 'programmeId')
  @ApiOperation({ summary: 'List campaigns', description: "The programme's campaigns with their state and totals." })
  async list(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const o = await this.campaignsStaff.overview(tenant, programmeId);
    return {
      settings: campaignSettingsView(o.settings),
      budgets: o.budgets.map(matchBudgetView),
      laureates: o.laureates.map((l) => ({
        applicationId: l.applicationId,
        userId: l.userId,
        title: l.title,
        campaign: l.campaign ? campaignView(l.campaign) : null,
      })),
    };
  }

  @Post('api/programmes/:programmeId/campaigns/:campaignId/review')
  @Roles(['staff'], 'programmeId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Review a campaign', description: 'Staff approve a submitted campaign or send it back with what to change.' })
  async review(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('campaignId') id: string,
    @Body() dto: CampaignReviewDto,
  ) {
    return campaignView(await this.campaignsStaff.review(tenant, programmeId, id, dto, p));
  }

  @Get('api/programmes/:programmeId/campaign-settings')
  @Roles(['staff'], 'programmeId')
  @ApiOperation({ summary: 'Read the campaign settings', description: "The programme's campaign window, limits and match-funding rules." })
  async settings(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const o = await this.campaignsStaff.overview(tenant, programmeId);
    return { settings: campaignSettingsView(o.settings), budgets: o.budgets.map(matchBudgetView) };
  }

  @Put('api/programmes/:programmeId/campaign-settings')
  @Roles(['staff'], 'programmeId')
  @ApiOperation({ summary: 'Set the campaign settings', description: 'Sets the campaign window, contribution limits and match-funding rules.' })
  async saveSettings(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Body() dto: CampaignSettingsDto,
  ) {
    return campaignSettingsView(await this.campaignsStaff.saveSettings(tenant, programmeId, dto, p));
  }

  @Put('api/programmes/:programmeId/match-budgets')
  @Roles(['staff'], 'programmeId')
  @ApiOperation({ summary: 'Set a match-funding budget', description: "Creates or resizes a partner's match-funding budget (one per partner and kind)." })
  async saveBudget(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: MatchBudgetDto) {
    return matchBudgetView(await this.campaignsStaff.saveBudget(tenant, programmeId, dto, p));
  }

  @Get('api/programmes/:programmeId/contributions.csv')
  @Roles(['staff'], 'programmeId')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiOperation({
    summary: 'Export contributions',
    description: 'Every contribution of the programme (`?status=refund_due`: the refunds to make at the payment operator).',
  })
  async contributionsCsv(
    @CurrentTenant() tenant: Tenant,
    @Param('programmeId') programmeId: string,
    @Query('status') status: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Content-Disposition', `attachment; filename="contributions${status ? `-${status}` : ''}.csv"`);
    return this.contributionsExport.programmeCsv(tenant, programmeId, status);
  }

  // ---- citizens ----

  @Get('api/campaigns/:campaignId/public')
  @Public()
  @ApiOperation({ summary: 'Read a campaign (public)', description: 'What anyone sees of a published campaign: texts, goal, amount raised, contributors.' })
  async publicView(@CurrentTenant() tenant: Tenant, @Param('campaignId') id: string) {
    return publicCampaignView(await this.campaigns.publicCampaign(tenant, id));
  }

  /**
   * Contributes during the window. The Idempotency-Key header is required: a retry with the same key
   * answers the same contribution (200) instead of creating another (201).
   */
  @Post('api/campaigns/:campaignId/contributions')
  @Public()
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiOperation({
    summary: 'Contribute to a campaign',
    description:
      'Contributes during the window. The Idempotency-Key header is required: a retry with the same key answers the same contribution (200) instead of creating a second one.',
  })
  async contribute(
    @CurrentTenant() tenant: Tenant,
    @Param('campaignId') id: string,
    @Body() dto: ContributeDto,
    @Req() req: TremplinRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    const key = idempotencyKeyOf(req, true)!;
    // The rate limit's hit on the contribution's own connection, just before its transaction.
    const receipt = await this.contributions.contribute(tenant, id, dto, key, (em) =>
      this.limiter.hit(`contribute:ip:${req.ip}`, this.config.contributionRateLimit, 60, em),
    );
    res.status(receipt.replayed ? 200 : 201);
    return receiptView(receipt);
  }

  @Get('api/contributions/:contributionId')
  @Public()
  @ApiOperation({ summary: 'Read a contribution', description: "A contribution's status, by its reference (an unguessable id known to the contributor)." })
  async contribution(@CurrentTenant() tenant: Tenant, @Param('contributionId') id: string) {
    return contributionView(await this.contributions.status(tenant, id));
  }

  @Post('api/contributions/confirm')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a pledge', description: 'Confirms a pledge with the token e-mailed to the contributor.' })
  @ApiBody({
    schema: { type: 'object', required: ['token'], properties: { token: { type: 'string', description: 'The token of the e-mailed confirmation link' } } },
  })
  async confirm(@CurrentTenant() tenant: Tenant, @Body() body: { token?: unknown }) {
    if (typeof body?.token !== 'string') throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('token', 'validation.linkToken')]);
    return contributionView(await this.contributions.confirmPledge(tenant, body.token));
  }

  @Post('api/campaigns/:campaignId/subscribers')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Follow a campaign', description: "Subscribes an e-mail address to the campaign's updates (confirmed by e-mail)." })
  async subscribe(@CurrentTenant() tenant: Tenant, @Param('campaignId') id: string, @Body() dto: SubscribeDto, @Req() req: TremplinRequest) {
    await this.limiter.hit(`subscribe:ip:${req.ip}`, this.config.contributionRateLimit, 60);
    return this.campaigns.subscribe(tenant, id, dto);
  }
}

export function idempotencyKeyOf(req: TremplinRequest, required: boolean): string | null {
  const key = req.headers['idempotency-key'];
  const value = Array.isArray(key) ? key[0] : key;
  if (!value) {
    if (required) throw new DomainError('IDEMPOTENCY_KEY_REQUIRED');
    return null;
  }
  if (!/^[A-Za-z0-9_.:-]{8,200}$/.test(value)) throw new DomainError('IDEMPOTENCY_KEY_REQUIRED');
  return value;
}
