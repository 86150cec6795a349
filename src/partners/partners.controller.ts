import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Roles } from '../auth/roles.guard.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { ContactDto, MatchingSettingsDto, NeedsDto, PairRuleDto, PartnerDto, PartnerPreferencesDto, UpdatePartnerDto } from './dto/partners.dto.js';
import { DEFAULT_WEIGHTS } from './domain/scoring.js';
import type { Matching, Partner } from './partner.entity.js';
import { MatchingService } from './matching.service.js';
import { PartnersService } from './partners.service.js';

/** A partner of the programme (a company, a foundation...): what it offers, the themes it supports, its match-funding budget. */
export function partnerView(p: Partner) {
  return {
    id: p.id,
    name: p.name,
    logoUrl: p.logoUrl,
    description: p.description,
    expertise: p.expertise,
    themes: p.themes,
    capacity: p.capacity,
    matchFundingCents: p.matchFundingCents,
    preferences: p.preferences,
  };
}

/** What a partner sees of a programme: itself, the laureates it sponsors and those it may prefer. */
export function partnerHomeView(m: Awaited<ReturnType<PartnersService['mine']>>) {
  return { partner: partnerView(m.partner), confirmed: m.confirmed, laureates: m.laureates, candidates: m.candidates };
}

/** The pairing of partners with laureates: its weights and rules, and the result of the last run. */
export function matchingView(m: Matching, stale = false) {
  return {
    status: m.status,
    weights: m.weights ?? DEFAULT_WEIGHTS,
    overlap: m.overlap,
    sponsorsPerLaureate: m.sponsorsPerLaureate,
    locked: m.locked,
    forbidden: m.forbidden,
    result: m.result,
    runAt: m.runAt,
    stale,
    confirmedAt: m.confirmedAt,
  };
}

/** Sponsor partners: staff manage profiles and the matching; contacts and laureates state preferences. */
@ApiTags('partners')
@ApiBearerAuth()
@Controller('api/programmes/:programmeId')
export class PartnersController {
  constructor(
    private readonly partners: PartnersService,
    private readonly matchings: MatchingService,
  ) {}

  // ---- staff ----

  @Get('partners')
  @Roles(['staff'])
  @ApiOperation({ summary: 'List partners', description: "The programme's partners (companies, foundations) and what they offer." })
  async list(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    return (await this.partners.list(tenant, programmeId)).partners.map((p) => ({ ...partnerView(p), contacts: p.contacts }));
  }

  @Post('partners')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Add a partner', description: 'Adds a partner to the programme with what it offers.' })
  async create(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: PartnerDto) {
    return partnerView(await this.partners.create(tenant, programmeId, dto, p.userId));
  }

  @Patch('partners/:partnerId')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Change a partner', description: "Changes a partner's name, offer or capacity." })
  async update(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('partnerId') partnerId: string,
    @Body() dto: UpdatePartnerDto,
  ) {
    return partnerView(await this.partners.update(tenant, programmeId, partnerId, dto, p.userId));
  }

  @Post('partners/:partnerId/contacts')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Add a partner contact', description: 'Invites a person of the partner; they get a sign-in link.' })
  async contact(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('partnerId') partnerId: string,
    @Body() dto: ContactDto,
  ) {
    return this.partners.addContact(tenant, programmeId, partnerId, dto, p.userId);
  }

  @Get('matching')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read the matching', description: 'Which partner goes with which laureate, suggested or confirmed.' })
  async matching(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const s = await this.matchings.matching(tenant, programmeId);
    return {
      ...matchingView(s.matching, s.stale),
      laureates: s.laureates.map((l) => ({
        applicationId: l.applicationId,
        title: l.title,
        category: l.category,
        needs: s.needs.find((n) => n.applicationId === l.applicationId)?.needs ?? [],
      })),
      partners: s.partners.map(partnerView),
    };
  }

  @Put('matching/settings')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Set the matching settings', description: 'Sets how partners and laureates are matched.' })
  async settings(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Body() dto: MatchingSettingsDto,
  ) {
    return matchingView(await this.matchings.saveSettings(tenant, programmeId, dto, p.userId));
  }

  @Post('matching/pairs')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Pair by hand', description: 'Pairs a partner with a laureate by hand.' })
  async pair(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: PairRuleDto) {
    return matchingView(await this.matchings.setPair(tenant, programmeId, { laureateId: dto.laureateId, partnerId: dto.partnerId }, dto.rule, p.userId));
  }

  @Post('matching/run')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Run the matching', description: 'Suggests pairs of partners and laureates from their preferences and needs.' })
  async run(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return matchingView(await this.matchings.run(tenant, programmeId, p.userId));
  }

  @Post('matching/confirm')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm the matching', description: 'Confirms the pairs; partners and laureates are told.' })
  async confirm(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return matchingView(await this.matchings.confirm(tenant, programmeId, p.userId));
  }

  // ---- partner contacts ----

  @Get('partner/me')
  @Roles(['partner'], 'programmeId')
  @ApiOperation({ summary: 'My partner space', description: "The signed-in partner's laureates and preferences." })
  async mine(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    const m = await this.partners.mine(tenant, programmeId, p);
    return partnerHomeView(m);
  }

  @Put('partner/me/preferences')
  @Roles(['partner'], 'programmeId')
  @ApiOperation({ summary: 'Set my preferences', description: "The partner's preferred laureates (ordered)." })
  async preferences(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Body() dto: PartnerPreferencesDto,
  ) {
    return { applicationIds: await this.partners.setPartnerPreferences(tenant, programmeId, p, dto.applicationIds) };
  }

  // ---- laureates ----

  @Get('partners/me/needs')
  @Roles(['applicant'], 'programmeId')
  @ApiOperation({ summary: 'My needs (laureate)', description: 'What the signed-in laureate needs from partners.' })
  async needs(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    const { programme: _programme, ...rest } = await this.partners.myNeeds(tenant, programmeId, p);
    return rest;
  }

  @Put('partners/me/needs')
  @Roles(['applicant'], 'programmeId')
  @ApiOperation({ summary: 'Set my needs (laureate)', description: 'The laureate says what they need from partners (skills, money, premises...).' })
  async setNeeds(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: NeedsDto) {
    const n = await this.partners.setNeeds(tenant, programmeId, p, dto.needs, dto.preferences ?? []);
    return { needs: n.needs, preferences: n.preferences };
  }
}
