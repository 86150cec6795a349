import { Body, Controller, Get, Header, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { normaliseEmail } from '../auth/domain/tokens.js';
import type { Principal } from '../auth/principal.js';
import { Public, Roles, SignedIn } from '../auth/roles.guard.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { PrivacyLinkDto, RefuseRequestDto } from './dto/privacy.dto.js';
import { PersonalDataService } from './personal-data.service.js';
import type { PrivacyRequest, PrivacyRequestStatus } from './privacy-request.entity.js';
import { PrivacyRequestsService } from './privacy-requests.service.js';
import { byKind, RetentionService } from './retention.service.js';

const STATUSES: PrivacyRequestStatus[] = ['open', 'done', 'refused'];

/** What the API shows of a request (never its token). */
function privacyRequestView(r: PrivacyRequest) {
  return {
    id: r.id,
    kind: r.kind,
    status: r.status,
    email: r.status === 'done' && r.kind === 'erasure' ? null : r.emailKey,
    source: r.source,
    requestedAt: r.requestedAt,
    dueAt: r.dueAt,
    handledAt: r.handledAt,
    refusal: r.refusal,
    pseudonym: r.pseudonym,
    counts: r.counts,
  };
}

/** People's rights on their data (GDPR art. 15–17) and the authority's retention, as JSON. */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller()
export class PrivacyController {
  constructor(
    private readonly requests: PrivacyRequestsService,
    private readonly data: PersonalDataService,
    private readonly retention: RetentionService,
  ) {}

  @Get('api/me/data')
  @SignedIn()
  @ApiOperation({ summary: 'Export my personal data', description: 'Everything the authority holds about the signed-in person.' })
  myData(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() me: Principal) {
    return this.requests.exportForAccount(tenant, me);
  }

  @Get('api/me/data.zip')
  @SignedIn()
  @Header('Content-Type', 'application/zip')
  @ApiOperation({
    summary: 'Export my personal data as a zip',
    description: 'The same as an archive: data.json, one CSV per kind of data, and the files the person handed in.',
  })
  async myArchive(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() me: Principal, @Res() res: Response) {
    const zip = await this.data.archive(tenant.id, await this.requests.exportForAccount(tenant, me));
    res.setHeader('Content-Disposition', 'attachment; filename="my-data.zip"');
    res.send(zip);
  }

  @Post('api/me/erasure-request')
  @SignedIn()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for erasure of my data',
    description: "Files a request to erase the signed-in person's personal data; staff carry it out within a month.",
  })
  async askErasure(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() me: Principal) {
    return privacyRequestView(await this.requests.requestErasureForAccount(tenant, me));
  }

  @Post('api/privacy/requests')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Request a personal data link',
    description: 'Anyone: a link to the data of this address is e-mailed to it (the answer is the same for any address).',
  })
  async askLink(@CurrentTenant() tenant: Tenant, @Body() dto: PrivacyLinkDto, @Req() req: TremplinRequest) {
    await this.requests.requestLink(tenant, normaliseEmail(dto.email), dto.kind, dto.locale ?? tenant.defaultLocale, req.ip ?? '');
    return { accepted: true };
  }

  @Get('api/privacy/links/:token')
  @Public()
  @ApiOperation({ summary: 'Read a personal data link', description: 'The request behind an e-mailed link (the link is the credential: 404 once expired).' })
  async link(@CurrentTenant() tenant: Tenant, @Param('token') token: string) {
    const r = await this.requests.byLink(tenant, token);
    return { kind: r.kind, status: r.status, expiresAt: r.tokenExpiresAt, dueAt: r.dueAt };
  }

  @Get('api/privacy/links/:token/data')
  @Public()
  @ApiOperation({ summary: 'Export personal data through a link', description: 'The personal data of the address the link was sent to.' })
  linkData(@CurrentTenant() tenant: Tenant, @Param('token') token: string) {
    return this.requests.exportByLink(tenant, token);
  }

  @Post('api/privacy/links/:token/confirm')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Confirm an erasure request',
    description: 'Confirms an erasure request made through the link: it goes to the staff queue, answered within a month.',
  })
  async confirmLink(@CurrentTenant() tenant: Tenant, @Param('token') token: string) {
    return privacyRequestView(await this.requests.confirmErasureByLink(tenant, token));
  }

  @Get('api/privacy/requests')
  @Roles(['staff'])
  @ApiOperation({ summary: 'List personal data requests', description: 'The staff queue of erasure and access requests.' })
  async list(@CurrentTenant() tenant: Tenant, @Query('status') status?: string, @Query('offset') offset?: string) {
    const s = STATUSES.includes(status as PrivacyRequestStatus) ? (status as PrivacyRequestStatus) : undefined;
    const { rows, total } = await this.requests.list(tenant, s, 100, Math.max(0, Number(offset) || 0));
    return { total, requests: rows.map(privacyRequestView) };
  }

  @Get('api/privacy/requests/:id')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read a personal data request', description: 'One request of the staff queue, with what would be erased.' })
  async get(@CurrentTenant() tenant: Tenant, @Param('id') id: string) {
    const { request, held } = await this.requests.get(tenant, id);
    return { ...privacyRequestView(request), held };
  }

  @Post('api/privacy/requests/:id/erase')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Carry out an erasure', description: 'Carries out an erasure request (irreversible): 409 when it is no longer open.' })
  async erase(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() me: Principal, @Param('id') id: string) {
    return privacyRequestView(await this.requests.erase(tenant, id, me));
  }

  @Post('api/privacy/requests/:id/refuse')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Refuse an erasure request', description: 'Refuses a request with the reason given to the person.' })
  async refuse(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() me: Principal, @Param('id') id: string, @Body() dto: RefuseRequestDto) {
    return privacyRequestView(await this.requests.refuse(tenant, id, me, dto.reason));
  }

  @Get('api/privacy/retention/preview')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Preview the retention pass', description: 'What the next retention pass would remove, per kind of data (changes nothing).' })
  async preview(@CurrentTenant() tenant: Tenant) {
    const counts = await this.retention.preview(tenant);
    return { periods: await this.retention.periods(tenant.id), byKind: byKind(counts), counts };
  }

  /** Sets some or all periods (whole months, 0 to 120): `{ "unselectedApplications": 12, ... }`. */
  @Put('api/privacy/retention')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Set the retention periods', description: 'Sets how long each kind of personal data is kept (each bad period is named); audited.' })
  async setPeriods(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() me: Principal, @Body() body: Record<string, unknown>) {
    return { periods: await this.retention.setPeriods(tenant, body ?? {}, me.userId) };
  }

  @Post('api/privacy/retention/run')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the retention pass', description: 'Removes the personal data whose retention period has passed.' })
  async run(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() me: Principal) {
    const run = await this.retention.run(tenant, me.userId);
    return { id: run.id, ranAt: run.ranAt, periods: run.periods, byKind: byKind(run.counts), counts: run.counts };
  }
}
