import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOperation } from '@nestjs/swagger';
import { ConsumeLinkDto } from '../auth/dto/auth.dto.js';
import { PlatformAdminOnly, Public } from '../auth/roles.guard.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { CreateAuthorityDto, PlatformLinkDto, UpdateAuthorityDto } from './dto/platform.dto.js';
import type { PlatformAdmin } from './platform-admin.entity.js';
import { PlatformService } from './platform.service.js';

const adminOf = (req: TremplinRequest) => req.platformAdmin as PlatformAdmin;

/** The installation's API: platform admins' sign-in and the authorities they run. */
@ApiTags('platform')
@Controller('api/platform')
export class PlatformController {
  constructor(private readonly platform: PlatformService) {}

  @Post('sign-in-links')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Request a platform sign-in link', description: "Always 202: the answer does not tell whether the address is a platform admin's." })
  async requestLink(@Body() dto: PlatformLinkDto, @Req() req: TremplinRequest) {
    await this.platform.requestLink(dto.email, req.ip ?? 'unknown', req.locale);
    return { status: 'accepted' };
  }

  @Post('sign-in-links/consume')
  @Public()
  @ApiOperation({
    summary: 'Exchange a platform sign-in link for a token',
    description: 'Exchanges a one-time link for a bearer token (`tpp_…`) valid on /api/platform on any host.',
  })
  async consume(@Body() dto: ConsumeLinkDto) {
    const admin = await this.platform.consumeLink(dto.token);
    return { token: await this.platform.createCredential(admin.id, 'token'), adminId: admin.id };
  }

  @Get('me')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I (platform)', description: 'The signed-in platform admin.' })
  me(@Req() req: TremplinRequest) {
    return req.platformAdmin;
  }

  @Get('tenants')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'List authorities', description: 'Every authority (tenant) of the installation, with its hosts and state.' })
  list() {
    return this.platform.listAuthorities();
  }

  @Post('tenants')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Create an authority',
    description: 'Creates a local authority (tenant) with its slug, name, hosts and languages, and invites its first staff member.',
  })
  async create(@Body() dto: CreateAuthorityDto, @Req() req: TremplinRequest) {
    const { tenant } = await this.platform.createAuthority(dto, adminOf(req));
    return this.platform.authority(tenant.id);
  }

  @Get('tenants/:tenantId')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Read an authority', description: 'One authority of the installation.' })
  get(@Param('tenantId', ParseUUIDPipe) id: string) {
    return this.platform.authority(id);
  }

  @Patch('tenants/:tenantId')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change an authority', description: "Changes an authority's name, hosts or languages." })
  async update(@Param('tenantId', ParseUUIDPipe) id: string, @Body() dto: UpdateAuthorityDto, @Req() req: TremplinRequest) {
    await this.platform.updateAuthority(id, dto, adminOf(req));
    return this.platform.authority(id);
  }

  @Post('tenants/:tenantId/suspend')
  @PlatformAdminOnly()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Suspend an authority', description: 'Its pages and API answer 503 until it is reactivated; nothing is deleted.' })
  async suspend(@Param('tenantId', ParseUUIDPipe) id: string, @Req() req: TremplinRequest) {
    await this.platform.setSuspended(id, true, adminOf(req));
    return this.platform.authority(id);
  }

  @Post('tenants/:tenantId/reactivate')
  @PlatformAdminOnly()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Reactivate an authority', description: 'Serves a suspended authority again.' })
  async reactivate(@Param('tenantId', ParseUUIDPipe) id: string, @Req() req: TremplinRequest) {
    await this.platform.setSuspended(id, false, adminOf(req));
    return this.platform.authority(id);
  }
}
