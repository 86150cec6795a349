import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Principal } from '../auth/principal.js';
import { Roles, SignedIn } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { ConsentService } from './consent.service.js';
import { LegalPageDto, PrivacySettingsDto } from './dto/legal-pages.dto.js';
import { LegalPagesService } from './legal-pages.service.js';
import type { Consent, LegalPageKind } from './privacy.entity.js';

const API_KINDS: Record<string, Exclude<LegalPageKind, 'call_rules'>> = { privacy: 'privacy', 'legal-notice': 'legal_notice', accessibility: 'accessibility' };

function apiKind(slug: string): Exclude<LegalPageKind, 'call_rules'> {
  if (!Object.hasOwn(API_KINDS, slug)) throw new DomainError('NOT_FOUND');
  return API_KINDS[slug];
}

const consentView = (c: Consent) => ({
  id: c.id,
  purpose: c.purpose,
  programmeId: c.programmeId,
  campaignId: c.campaignId,
  textVersion: c.textVersion,
  givenAt: c.givenAt.toISOString(),
  withdrawnAt: c.withdrawnAt?.toISOString() ?? null,
  source: c.source,
});

/** The privacy settings, the legal pages' versions and one's own consents, as JSON. */
@ApiTags('privacy')
@ApiBearerAuth()
@Controller('api')
export class LegalPagesController {
  constructor(
    private readonly legal: LegalPagesService,
    private readonly consents: ConsentService,
  ) {}

  @Get('privacy/settings')
  @Roles(['staff'])
  settings(@CurrentTenant() tenant: Tenant) {
    return this.legal.settings(tenant.id);
  }

  @Put('privacy/settings')
  @Roles(['staff'])
  saveSettings(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Body() dto: PrivacySettingsDto) {
    return this.legal.saveSettings(tenant.id, { ...dto }, principal.userId);
  }

  /** Every published version, newest first (empty: the default page is shown). */
  @Get('privacy/pages/:kind')
  @Roles(['staff'])
  async versions(@CurrentTenant() tenant: Tenant, @Param('kind') kind: string) {
    return { kind: apiKind(kind), versions: await this.legal.versions(tenant.id, apiKind(kind), null) };
  }

  /** Publishes a new version (the previous ones stay readable). */
  @Put('privacy/pages/:kind')
  @Roles(['staff'])
  publish(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Param('kind') kind: string, @Body() dto: LegalPageDto) {
    return this.legal.publish(tenant, apiKind(kind), null, dto.body, principal.userId);
  }

  @Get('privacy/programmes/:programmeId/rules')
  @Roles(['staff'])
  async rulesVersions(@CurrentTenant() tenant: Tenant, @Param('programmeId', ParseUUIDPipe) programmeId: string) {
    const p = await this.legal.programme(tenant.id, { id: programmeId });
    return { kind: 'call_rules', versions: await this.legal.versions(tenant.id, 'call_rules', p.id) };
  }

  @Put('privacy/programmes/:programmeId/rules')
  @Roles(['staff'])
  async publishRules(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() principal: Principal,
    @Param('programmeId', ParseUUIDPipe) programmeId: string,
    @Body() dto: LegalPageDto,
  ) {
    const p = await this.legal.programme(tenant.id, { id: programmeId });
    return this.legal.publish(tenant, 'call_rules', p.id, dto.body, principal.userId);
  }

  @Get('me/consents')
  @SignedIn()
  async myConsents(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal) {
    return { consents: (await this.consents.list({ tenantId: tenant.id, userId: principal.userId, email: principal.email })).map(consentView) };
  }

  @Delete('me/consents/:consentId')
  @HttpCode(204)
  @SignedIn()
  async withdraw(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Param('consentId', ParseUUIDPipe) consentId: string) {
    await this.consents.withdraw({ tenantId: tenant.id, userId: principal.userId, email: principal.email }, consentId);
  }
}
