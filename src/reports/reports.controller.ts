import { Controller, Get, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Roles } from '../auth/roles.guard.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { parseVersion, ReportsService, snapshotView } from './reports.service.js';

/** The results report for staff: live preview, publication of a new version, published versions. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller()
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** The figures as they are now (not published). */
  @Get('api/programmes/:programmeId/report')
  @Roles(['staff'])
  @ApiOperation({
    summary: 'Preview the results report',
    description: 'The figures as they are now (not published): applications, laureates, campaigns, contributions.',
  })
  async preview(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    return (await this.reports.preview(tenant, programmeId)).figures;
  }

  @Post('api/programmes/:programmeId/reports')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Publish the results report', description: 'Freezes the figures as the next version (201 with the snapshot).' })
  async publish(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return snapshotView(await this.reports.publish(tenant, programmeId, p.userId));
  }

  @Get('api/programmes/:programmeId/reports')
  @Roles(['staff'])
  @ApiOperation({ summary: 'List report versions', description: 'Every published version of the results report.' })
  async versions(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    return (await this.reports.versions(tenant, programmeId)).map((v) => ({
      id: v.id,
      version: v.version,
      publishedAt: v.publishedAt.toISOString(),
      publishedBy: v.publishedBy,
      publishedByName: v.publishedByName,
    }));
  }

  @Get('api/programmes/:programmeId/reports/:version')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read a report version', description: 'One published version of the results report.' })
  async version(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string, @Param('version') version: string) {
    return snapshotView(await this.reports.version(tenant, programmeId, parseVersion(version) ?? null));
  }
}
