import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service.js';
import { Public, Roles } from '../auth/roles.guard.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from '../auth/principal.js';
import { BrandingDto } from './dto/branding.dto.js';
import { Tenant } from './tenant.entity.js';
import { TenantsService } from './tenants.service.js';

/** The authority's colours and logo. */
export function brandingView(t: Tenant) {
  return {
    slug: t.slug,
    name: t.name,
    logoUrl: t.logoUrl,
    primaryColor: t.primaryColor,
    accentColor: t.accentColor,
    senderName: t.senderName,
    senderEmail: t.senderEmail,
    languages: t.languages,
    defaultLocale: t.defaultLocale,
    timeZone: t.timeZone,
  };
}

@ApiTags('tenant')
@Controller('api')
export class TenantsController {
  constructor(
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
  ) {}

  @Get('tenant')
  @Public()
  @ApiOperation({ summary: 'Read the authority', description: 'The authority serving this host: its name, languages and branding (public).' })
  get(@CurrentTenant() tenant: Tenant) {
    return brandingView(tenant);
  }

  @Patch('tenant/branding')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the branding', description: "Sets the authority's colours and display name as shown on every page." })
  async branding(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Body() dto: BrandingDto) {
    return brandingView(await this.tenants.updateBranding(tenant, dto, principal.userId));
  }

  @Get('audit')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Read the audit log', description: 'Every action recorded in this authority, newest first.' })
  async auditLog(@CurrentTenant() tenant: Tenant, @Query('action') action?: string, @Query('subjectId') subjectId?: string, @Query('before') before?: string) {
    return this.audit.list(tenant.id, { action, subjectId, beforeId: before && /^\d+$/.test(before) ? before : undefined });
  }
}
