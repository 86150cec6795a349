import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AcceptedDto, InvitationAcceptedDto, LinkTokenViewDto, TokenViewDto } from './dto/token-view.dto.js';
import { baseUrlOf, CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from './principal.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { AuthService } from './auth.service.js';
import { safeRedirectPath } from './domain/tokens.js';
import { ConsumeLinkDto, InvitePersonDto, PasswordSignInDto, RequestLinkDto, SetPasswordDto, UpdateMeDto } from './dto/auth.dto.js';
import { Public, Roles, SignedIn } from './roles.guard.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Always 202: the answer does not tell whether the address is known. */
  @Post('auth/sign-in-links')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Request a sign-in link',
    description:
      'E-mails a one-time sign-in link to the address. Always 202: the answer does not tell whether the address belongs to someone of the authority.',
  })
  @ApiAcceptedResponse({ type: AcceptedDto })
  async requestLink(@CurrentTenant() tenant: Tenant, @Body() dto: RequestLinkDto, @Req() req: TremplinRequest) {
    await this.auth.requestSignInLink(dto.email, {
      tenant,
      ip: req.ip ?? 'unknown',
      locale: req.locale,
      baseUrl: baseUrlOf(req),
      next: safeRedirectPath(dto.next),
    });
    return { status: 'accepted' };
  }

  /** Exchanges a one-time link token for a bearer API token. */
  @Post('auth/sign-in-links/consume')
  @Public()
  @ApiOperation({
    summary: 'Exchange a sign-in link for a token',
    description: 'Exchanges the one-time token of an e-mailed sign-in link for an opaque bearer API token (`tpl_…`).',
  })
  @ApiCreatedResponse({ type: LinkTokenViewDto })
  async consume(@CurrentTenant() tenant: Tenant, @Body() dto: ConsumeLinkDto) {
    const { user, next } = await this.auth.consumeLink(tenant, dto.token);
    return { token: await this.auth.createApiToken(tenant.id, user.id, 'sign-in link'), userId: user.id, next: safeRedirectPath(next) ?? null };
  }

  @Post('auth/invitations/accept')
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Accept an invitation',
    description:
      'A person invited by staff (a juror, a coach, a partner, a staff member) accepts with the token of the link in their invitation e-mail: the answer is a bearer token `tpl_…`, their roles and where the invitation leads. The link works once, like a sign-in link.',
  })
  @ApiOkResponse({ type: InvitationAcceptedDto })
  async acceptInvitation(@CurrentTenant() tenant: Tenant, @Body() dto: ConsumeLinkDto) {
    const { user, next } = await this.auth.consumeLink(tenant, dto.token);
    const token = await this.auth.createApiToken(tenant.id, user.id, 'invitation');
    return { token, userId: user.id, next: safeRedirectPath(next) ?? null, roles: await this.auth.rolesOf(tenant.id, user.id) };
  }

  @Post('auth/tokens')
  @Public()
  @ApiOperation({ summary: 'Create an API token', description: 'Creates a bearer API token (`tpl_…`) from an e-mail address and password.' })
  @ApiCreatedResponse({ type: TokenViewDto })
  async token(@CurrentTenant() tenant: Tenant, @Body() dto: PasswordSignInDto, @Req() req: TremplinRequest) {
    const user = await this.auth.verifyPassword(tenant, dto.email, dto.password, req.ip ?? 'unknown');
    return { token: await this.auth.createApiToken(tenant.id, user.id, dto.tokenName ?? 'password'), userId: user.id };
  }

  @Get('me')
  @SignedIn()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who am I', description: 'The signed-in person: their name, e-mail address, language and roles (tenant-wide and per programme).' })
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Patch('me')
  @SignedIn()
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change my language',
    description: "The caller's own language (pages and e-mails): one of the authority's, or null to follow the site's.",
  })
  async updateMe(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Body() dto: UpdateMeDto) {
    if (dto.locale !== undefined) await this.auth.setLocale(tenant, principal.userId, dto.locale);
    return { ...principal, locale: await this.auth.localeOf(tenant.id, principal.userId) };
  }

  @Post('me/password')
  @SignedIn()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Set my password', description: "Sets the caller's password; every other session and token of theirs ends, this one stays." })
  async setPassword(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Body() dto: SetPasswordDto, @Req() req: TremplinRequest) {
    await this.auth.changePassword(tenant.id, principal.userId, dto.password, req.credential);
  }

  @Post('me/sign-out-everywhere')
  @SignedIn()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Sign out everywhere',
    description: 'Ends every session and token of the caller in this authority, the one making this call included.',
  })
  async signOutEverywhere(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal) {
    await this.sessions.signOutEverywhere(tenant.id, principal.userId);
  }

  @Get('people/:userId/sessions')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({ summary: "List a person's sessions", description: "A person's browser sessions and API tokens (never their secrets)." })
  listSessions(@CurrentTenant() tenant: Tenant, @Param('userId') userId: string) {
    return this.sessions.listSessions(tenant.id, userId);
  }

  @Delete('people/:userId/sessions/:sessionId')
  @Roles(['staff'])
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End one session', description: 'Ends one browser session or API token of a person.' })
  async revokeSession(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() principal: Principal,
    @Param('userId') userId: string,
    @Param('sessionId') sessionId: string,
  ) {
    await this.sessions.revokeSession(tenant.id, userId, sessionId, principal.userId);
  }

  @Delete('people/:userId/access')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Remove a person's access",
    description: "Removes all of a person's roles in this authority and ends all their sessions and tokens.",
  })
  removeAccess(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Param('userId') userId: string) {
    return this.sessions.removeAccess(tenant.id, principal, userId);
  }

  /** Staff add a person with a role; they get an invitation with a sign-in link. */
  @Post('people')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Invite a person',
    description: 'Staff add a person (staff, juror, coach, partner, laureate...) with a role; they get an invitation with a sign-in link.',
  })
  async invite(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Body() dto: InvitePersonDto, @Req() req: TremplinRequest) {
    const { user, granted } = await this.auth.invite(tenant, principal.userId, dto, baseUrlOf(req));
    return { userId: user.id, email: user.email, role: dto.role, programmeId: dto.programmeId ?? null, granted };
  }
}
