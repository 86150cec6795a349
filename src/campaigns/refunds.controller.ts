import { Controller, Get, Header, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { CurrentTenant } from '../request-context/current.decorators.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { REFUND_STATES } from './domain/refunds.js';
import { RefundsExportService } from './refunds-export.service.js';

/** The refunds of a programme as a file (the staff page `/staff/programmes/:id/refunds` links to it). */
@ApiTags('campaigns')
@Controller()
export class RefundsController {
  constructor(private readonly exports: RefundsExportService) {}

  @Get('api/programmes/:programmeId/refunds.csv')
  @Roles(['staff'], 'programmeId')
  @ApiBearerAuth()
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @ApiProduces('text/csv')
  @ApiQuery({ name: 'state', required: false, enum: REFUND_STATES, description: 'Only the refunds in this state (e.g. `failed`: what is still owed and why)' })
  @ApiOperation({ summary: 'Export refunds', description: "The treasurer's file: every refund of the programme's contributions, as CSV." })
  async csv(
    @CurrentTenant() tenant: Tenant,
    @Param('programmeId') programmeId: string,
    @Query('state') state: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Content-Disposition', `attachment; filename="refunds${state ? `-${state}` : ''}.csv"`);
    return this.exports.programmeCsv(tenant, programmeId, state);
  }
}
