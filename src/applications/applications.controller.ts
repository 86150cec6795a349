import { contentFallbacks, type Locale as Lang } from '../common/i18n/localized.js';
import { ConsumeLinkDto } from '../auth/dto/auth.dto.js';
import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Patch, Query, Req, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptedDto } from '../auth/dto/token-view.dto.js';
import type { Response } from 'express';
import { Public, Roles, SignedIn } from '../auth/roles.guard.js';
import { fieldProblem, DomainError } from '../common/errors/domain-error.js';
import { baseUrlOf, CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import type { Principal } from '../auth/principal.js';
import { Locale } from '../common/web/locale.decorator.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { FileUpload, sendStoredFile } from '../storage/file-transfer.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { Application } from './application.entity.js';
import { applicationsCsv, applicationsXlsx } from './applications.export.js';
import { ApplicantRegistrationService } from './applicant-registration.service.js';
import { ContactEmailService } from './contact-email.service.js';
import { ApplicationsService, type UploadedFile as Upload } from './applications.service.js';
import { ScreeningService } from './screening.service.js';
import type { Call } from './call.entity.js';
import {
  ApplicationDraftDto,
  CommentDto,
  CorrectionDto,
  DecisionDto,
  RegisterApplicantDto,
  StartApplicationDto,
  SubmitApplicationDto,
} from './dto/application.dto.js';
import { checkFilter } from './dto/application-filter.dto.js';
import { CallDto } from './dto/call.dto.js';
import { assertOffered } from '../common/i18n/is-locale.js';
import { advisoryWarnings } from './call-rules.js';

/** The call for projects of a programme: its text, categories, territory, goal range (euro cents), deadline and form. */
export function callView(c: Call) {
  return {
    programmeId: c.programmeId,
    text: c.text,
    categories: c.categories,
    territory: c.territory,
    goalMinCents: c.goalMinCents,
    goalMaxCents: c.goalMaxCents,
    deadline: c.deadline,
    onePerApplicant: c.onePerApplicant,
    allowEditAfterSubmit: c.allowEditAfterSubmit,
    form: c.form,
    receiptPrefix: c.receiptPrefix,
    ruleModes: c.ruleModes ?? {},
    rules: c.rules ?? [],
  };
}

/** An application to a call: its state, its screening, the applicant's project and answers. */
export function applicationView(a: Application) {
  return {
    id: a.id,
    programmeId: a.programmeId,
    status: a.status,
    screening: a.screening,
    screeningReason: a.screeningReason,
    correctionUntil: a.correctionUntil,
    correctionMessage: a.correctionMessage,
    receiptNumber: a.receiptNumber,
    submittedAt: a.submittedAt,
    title: a.title,
    summary: a.summary,
    category: a.category,
    goalCents: a.goalCents,
    commune: a.commune,
    postcode: a.postcode,
    applicantName: a.applicantName,
    organisation: a.organisation,
    email: a.email,
    phone: a.phone,
    consent: a.consent,
    acceptedRulesVersion: a.acceptedRulesVersion,
    answers: a.answers,
  };
}

@ApiTags('applications')
@ApiBearerAuth()
@Controller('api')
export class ApplicationsController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly contactEmails: ContactEmailService,
    private readonly screening: ScreeningService,
    private readonly programmes: ProgrammesService,
    private readonly registration: ApplicantRegistrationService,
  ) {}

  @Post('programmes/:programmeId/applicants')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Register as an applicant',
    description:
      'A newcomer applicant gives their name and e-mail address; a sign-in link to the call is e-mailed to them (no password). Its token, exchanged at `POST /api/auth/sign-in-links/consume`, gives a bearer token to start an application. Always 202: the answer does not tell whether the address was known.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  async register(
    @CurrentTenant() tenant: Tenant,
    @Param('programmeId') programmeId: string,
    @Body() dto: RegisterApplicantDto,
    @Locale() locale: Lang,
    @Req() req: TremplinRequest,
  ) {
    const programme = await this.programmes.get(tenant.id, programmeId);
    if (programme.phase === 'draft') throw new DomainError('NOT_FOUND');
    await this.applications.getCall(tenant.id, programmeId);
    assertOffered(tenant.languages, dto.locale);
    const next = `/programmes/${programme.slug}/apply`;
    await this.registration.register(tenant, {
      email: dto.email,
      name: dto.name,
      locale: dto.locale ?? locale,
      next,
      ip: req.ip ?? 'unknown',
      baseUrl: baseUrlOf(req),
    });
    return { status: 'accepted' as const };
  }

  @Get('programmes/:programmeId/call')
  @Public()
  @ApiOperation({ summary: 'Read the call', description: 'The call for projects of a programme: its questions, eligibility rules and deadline.' })
  async getCall(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const p = await this.programmes.get(tenant.id, programmeId);
    if (p.phase === 'draft') throw new DomainError('NOT_FOUND');
    return callView(await this.applications.getCall(tenant.id, programmeId));
  }

  @Put('programmes/:programmeId/call')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Set the call', description: "Sets the call's questions, eligibility rules and languages (before the call opens)." })
  async setCall(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: CallDto) {
    return callView(await this.applications.setCall(tenant, programmeId, dto, p.userId));
  }

  /** Starts a draft; send an Idempotency-Key so that a retried request does not start a second one. */
  @Post('programmes/:programmeId/applications')
  @SignedIn()
  @ApiOperation({
    summary: 'Start an application',
    description: 'Starts a draft application for the signed-in applicant; send an Idempotency-Key so that a retried request does not start a second one.',
  })
  async start(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Body() dto: StartApplicationDto,
    @Locale() locale: Lang,
    @Headers('idempotency-key') key?: string,
  ) {
    if (key !== undefined && !/^[\w.:-]{8,100}$/.test(key)) {
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('Idempotency-Key', 'validation.idempotencyKey')]);
    }
    await this.programmes.get(tenant.id, programmeId);
    assertOffered(tenant.languages, dto.locale);
    return applicationView(await this.applications.start(tenant, programmeId, p, { idempotencyKey: key, locale: dto.locale ?? locale }));
  }

  @Get('me/applications')
  @SignedIn()
  @ApiOperation({ summary: 'My applications', description: "The signed-in applicant's applications, in every programme." })
  async mine(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal) {
    return (await this.applications.mine(tenant.id, p)).map(applicationView);
  }

  @Get('applications/:id')
  @SignedIn()
  @ApiOperation({ summary: 'Read an application', description: 'An application with its answers and status (its applicant, or staff).' })
  async get(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('id') id: string, @Locale() locale: Lang) {
    const app = await this.applications.view(tenant, id, p);
    return {
      ...applicationView(app),
      pendingEmail: await this.contactEmails.pending(tenant, app),
      missing: app.status === 'draft' ? await this.applications.missing(tenant, app, locale) : [],
      warnings: await this.warnings(tenant, app, locale),
    };
  }

  @Post('applications/contact-email/confirm')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirm a contact address',
    description: "A contact address other than the applicant's own receives nothing until its link is used.",
  })
  async confirmContactEmail(@CurrentTenant() tenant: Tenant, @Body() dto: ConsumeLinkDto) {
    return this.contactEmails.confirm(tenant, dto.token);
  }

  @Patch('applications/:id')
  @SignedIn()
  @ApiOperation({ summary: 'Save answers', description: 'Saves answers of a draft application (or one sent back for correction).' })
  async save(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() dto: ApplicationDraftDto,
    @Locale() locale: Lang,
  ) {
    const app = await this.applications.saveDraft(tenant, id, p, dto, locale);
    return { ...applicationView(app), pendingEmail: await this.contactEmails.pending(tenant, app) };
  }

  @Post('applications/:id/submit')
  @SignedIn()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submit an application',
    description: "Submits a complete application before the call's deadline; 409 with the missing answers otherwise.",
  })
  async submit(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Locale() locale: Lang,
    @Body() dto: SubmitApplicationDto,
  ) {
    const app = await this.applications.submit(tenant, id, p, locale, {
      authorityNews: dto.consentAuthorityNews === true,
      partnerContact: dto.consentPartnerContact === true,
    });
    return { ...applicationView(app), warnings: await this.warnings(tenant, app, locale) };
  }

  /** The advisory rules an application fails: the applicant may submit, staff decide (said in the reader's language). */
  private async warnings(tenant: Tenant, app: Application, locale: Lang) {
    const call = await this.applications.findCall(tenant.id, app.programmeId);
    if (!call) return [];
    return advisoryWarnings(await this.applications.eligibility(tenant, call, app), locale, contentFallbacks(tenant)).map(({ lang: _lang, ...w }) => w);
  }

  @Post('applications/:id/withdraw')
  @SignedIn()
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw an application', description: 'The applicant withdraws their application (before the jury decides).' })
  async withdraw(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return applicationView(await this.applications.withdraw(tenant, id, p));
  }

  @Post('applications/:id/files/:questionKey')
  @SignedIn()
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileUpload('file', 20 * 1024 * 1024))
  @ApiOperation({ summary: 'Attach a file', description: 'Uploads a file answering a question of the call (multipart, field `file`).' })
  async upload(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('questionKey') questionKey: string,
    @UploadedFile() file: Upload | undefined,
    @Locale() locale: Lang,
  ) {
    await this.applications.view(tenant, id, p); // what may not be seen is not found, before any other answer
    if (!file) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('file', 'validation.attachFile')]);
    const stored = await this.applications.upload(tenant, id, p, questionKey, file, locale);
    return { id: stored.id, filename: stored.filename, contentType: stored.contentType, sizeBytes: stored.sizeBytes };
  }

  @Get('applications/:id/files/:fileId')
  @SignedIn()
  @ApiOperation({ summary: 'Download an attached file', description: 'A file attached to an application.' })
  async download(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('fileId') fileId: string,
    @Res() res: Response,
  ) {
    sendStoredFile(res, await this.applications.file(tenant, id, p, fileId));
  }

  // ---- screening desk ----

  @Get('programmes/:programmeId/applications')
  @Roles(['staff'])
  @ApiOperation({ summary: 'List applications', description: "The programme's applications, for screening (filter by status)." })
  async list(
    @CurrentTenant() tenant: Tenant,
    @Param('programmeId') programmeId: string,
    @Query('status') status?: string,
    @Query('screening') screening?: string,
    @Query('category') category?: string,
    @Query('commune') commune?: string,
    @Query('q') q?: string,
    @Query('eligibility') eligibility?: string,
    @Query('limit') limit?: string,
    @Query('offset') offset?: string,
  ) {
    const filter = checkFilter({ status, screening, category, commune, q, eligibility, limit, offset });
    const { rows, total } = await this.screening.list(tenant, programmeId, filter);
    return { total, items: rows.map((r) => ({ ...applicationView(r.application), rules: r.rules })) };
  }

  @Get('programmes/:programmeId/applications/export')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Export applications', description: 'Every application of the programme as a spreadsheet (xlsx) for staff.' })
  async export(
    @CurrentTenant() tenant: Tenant,
    @Param('programmeId') programmeId: string,
    @Query('format') format: string,
    @Locale() locale: Lang,
    @Res() res: Response,
  ) {
    if (format !== 'csv' && format !== 'xlsx')
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('format', 'validation.isIn', { values: 'csv, xlsx' })]);
    const { call, rows } = await this.screening.list(tenant, programmeId, { limit: 100_000 });
    // Machine-readable cells (amounts as plain numbers); the labels in the staff member's language.
    const label = (c: Call, a: Application, l: Lang) => this.applications.answerRows(c, a, l, contentFallbacks(tenant), true);
    const name = `applications-${new Date().toISOString().slice(0, 10)}.${format}`;
    res.setHeader('Content-Disposition', `attachment; filename="${name}"`);
    if (format === 'csv') {
      res.type('text/csv; charset=utf-8').send(applicationsCsv(call, rows, label, locale));
    } else {
      res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await applicationsXlsx(call, rows, label, locale));
    }
  }

  @Post('applications/:id/decision')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Screening decision', description: 'Staff declare a submitted application eligible or ineligible, with the reason.' })
  async decide(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: DecisionDto) {
    return applicationView(await this.screening.decide(tenant, id, p, dto.decision, dto.reason));
  }

  @Post('applications/:id/comments')
  @Roles(['staff'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Comment on an application', description: 'An internal staff comment on an application (applicants never see it).' })
  async comment(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: CommentDto) {
    await this.screening.comment(tenant, id, p, dto.body);
  }

  @Get('applications/:id/comments')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read the comments', description: 'The internal staff comments of an application.' })
  async comments(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('id') id: string) {
    const app = await this.applications.view(tenant, id, p);
    return (await this.screening.comments(tenant, app.id)).map((c) => ({ id: c.id, authorUserId: c.authorUserId, body: c.body, createdAt: c.createdAt }));
  }

  @Post('applications/:id/correction')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Ask for a correction', description: 'Sends a submitted application back to its applicant with what to correct.' })
  async correction(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('id') id: string, @Body() dto: CorrectionDto) {
    return applicationView(await this.screening.requestCorrection(tenant, id, p, dto.message, new Date(dto.until)));
  }
}
