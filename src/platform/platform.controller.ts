import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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

  /** Always 202: the answer does not tell whether the address is a platform admin's. */
  @Post('sign-in-links')
  @Public()
  @HttpCode(202)
  async requestLink(@Body() dto: PlatformLinkDto, @Req() req: TremplinRequest) {
    await this.platform.requestLink(dto.email, req.ip ?? 'unknown', req.locale);
    return { status: 'accepted' };
  }

  /** Exchanges a one-time link for a bearer token (`tpp_…`) valid on /api/platform on any host. */
  @Post('sign-in-links/consume')
  @Public()
  async consume(@Body() dto: ConsumeLinkDto) {
    const admin = await this.platform.consumeLink(dto.token);
    return { token: await this.platform.createCredential(admin.id, 'token'), adminId: admin.id };
  }

  @Get('me')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  me(@Req() req: TremplinRequest) {
    return req.platformAdmin;
  }

  @Get('tenants')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  list() {
    return this.platform.listAuthorities();
  }

  @Post('tenants')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  async create(@Body() dto: CreateAuthorityDto, @Req() req: TremplinRequest) {
    const { tenant } = await this.platform.createAuthority(dto, adminOf(req));
    return this.platform.authority(tenant.id);
  }

  @Get('tenants/:tenantId')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  get(@Param('tenantId', ParseUUIDPipe) id: string) {
    return this.platform.authority(id);
  }

  @Patch('tenants/:tenantId')
  @PlatformAdminOnly()
  @ApiBearerAuth()
  async update(@Param('tenantId', ParseUUIDPipe) id: string, @Body() dto: UpdateAuthorityDto, @Req() req: TremplinRequest) {
    await this.platform.updateAuthority(id, dto, adminOf(req));
    return this.platform.authority(id);
  }

  @Post('tenants/:tenantId/suspend')
  @PlatformAdminOnly()
  @HttpCode(200)
  @ApiBearerAuth()
  async suspend(@Param('tenantId', ParseUUIDPipe) id: string, @Req() req: TremplinRequest) {
    await this.platform.setSuspended(id, true, adminOf(req));
    return this.platform.authority(id);
  }

  @Post('tenants/:tenantId/reactivate')
  @PlatformAdminOnly()
  @HttpCode(200)
  @ApiBearerAuth()
  async reactivate(@Param('tenantId', ParseUUIDPipe) id: string, @Req() req: TremplinRequest) {
    await this.platform.setSuspended(id, false, adminOf(req));
    return this.platform.authority(id);
  }
}
