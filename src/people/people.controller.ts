import { Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags, ApiOperation } from '@nestjs/swagger';
import { AuthService } from '../auth/auth.service.js';
import { Roles } from '../auth/roles.guard.js';
import { baseUrlOf, CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { PeopleService } from './people.service.js';

/** People with access to the authority (staff only); invitation and sessions are in AuthController. */
@ApiTags('people')
@Controller('api/people')
export class PeopleController {
  constructor(
    private readonly people: PeopleService,
    private readonly auth: AuthService,
  ) {}

  @Get()
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiQuery({ name: 'role', required: false })
  @ApiQuery({ name: 'programmeId', required: false })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'page', required: false })
  @ApiOperation({ summary: 'List people', description: 'Everyone holding a role, 25 a page, with their roles (programme titles included) and the total.' })
  async list(@CurrentTenant() tenant: Tenant, @Query() query: Record<string, string>) {
    const { filter, ...rest } = await this.people.list(tenant.id, query);
    return { ...rest, filter };
  }

  @Delete(':userId/roles/:grantId')
  @Roles(['staff'])
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Remove one role', description: "Removes one role; the authority's last staff grant, and one's own staff grant, answer 409." })
  async revokeRole(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Param('grantId') grantId: string,
  ) {
    await this.auth.revokeRole(tenant.id, principal, userId, grantId);
  }

  @Post(':userId/invitation')
  @Roles(['staff'])
  @HttpCode(202)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Resend an invitation', description: 'E-mails the invitation again with a new sign-in link (at most one a minute per person).' })
  async resend(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Param('userId') userId: string, @Req() req: TremplinRequest) {
    await this.auth.resendInvitation(tenant, principal.userId, userId, baseUrlOf(req));
    return { status: 'sent' };
  }
}
