import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.guard.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { WithdrawLaureateDto } from './dto/jury.dto.js';
import { outcomeView } from './jury.controller.js';
import { JuryWaitingListService } from './jury-waiting.service.js';

/** After the announcement: a laureate withdrawn, the next on the waiting list promoted (409 when none can be). */
@ApiTags('jury')
@ApiBearerAuth()
@Controller('api/programmes/:programmeId/jury')
export class JuryWaitingController {
  constructor(private readonly waiting: JuryWaitingListService) {}

  @Post('laureates/:applicationId/withdraw')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw a laureate',
    description: 'A laureate steps down (with the reason); the next application on the waiting list may be promoted.',
  })
  async withdraw(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: WithdrawLaureateDto,
  ) {
    return outcomeView(await this.waiting.withdraw(tenant, programmeId, applicationId, dto, p.userId));
  }

  @Post('waiting-list/promote')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Promote from the waiting list', description: 'Makes the first application on the waiting list a laureate.' })
  async promote(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return outcomeView(await this.waiting.promote(tenant, programmeId, p.userId));
  }
}
