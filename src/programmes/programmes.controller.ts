import { Body, Controller, Get, Param, Patch, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProgrammeViewDto } from './dto/programme-view.dto.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import { DomainError } from '../common/errors/domain-error.js';
import { Public, Roles } from '../auth/roles.guard.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { Phase } from './domain/phase.js';
import { type Timeline } from './domain/timeline.js';
import { CreateProgrammeDto, SetTimelineDto, TransitionDto, UpdateProgrammeDto } from './dto/programme.dto.js';
import { Programme } from './programme.entity.js';
import { ProgrammesService } from './programmes.service.js';

/** A programme (one call for projects and what follows it) with its phase and timeline. */
function programmeView(p: Programme) {
  return {
    id: p.id,
    slug: p.slug,
    title: p.title,
    summary: p.summary,
    phase: p.phase,
    phaseChangedAt: p.phaseChangedAt,
    timeline: p.timeline,
    nextTransitionAt: p.nextTransitionAt,
    blockedReasons: p.blockedReasons,
  };
}

@ApiTags('programmes')
@Controller('api/programmes')
export class ProgrammesController {
  constructor(private readonly programmes: ProgrammesService) {}

  /** Published programmes; staff also see drafts. */
  @Get()
  @Public()
  @ApiOperation({ summary: 'List programmes', description: "The authority's programmes (calls for projects); staff also see drafts." })
  @ApiOkResponse({ type: [ProgrammeViewDto] })
  async list(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal?: Principal) {
    const staff = hasRole(principal, ['staff', 'platform_admin']);
    return (await this.programmes.list(tenant.id)).filter((p) => staff || p.phase !== 'draft').map(programmeView);
  }

  @Get(':programmeId')
  @Public()
  @ApiOperation({ summary: 'Read a programme', description: 'A programme with its phase, timeline and what blocks its next phase (drafts: staff only).' })
  @ApiOkResponse({ type: ProgrammeViewDto })
  async get(@CurrentTenant() tenant: Tenant, @Param('programmeId') id: string, @CurrentPrincipal() principal?: Principal) {
    const p = await this.programmes.get(tenant.id, id);
    if (p.phase === 'draft' && !hasRole(principal, ['staff', 'platform_admin'])) throw new DomainError('NOT_FOUND');
    return programmeView(p);
  }

  @Post()
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a programme', description: 'Creates a programme in the draft phase, with its title and summary per language.' })
  @ApiCreatedResponse({ type: ProgrammeViewDto })
  async create(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Body() dto: CreateProgrammeDto) {
    return programmeView(await this.programmes.create(tenant, dto, principal.userId));
  }

  @Patch(':programmeId')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change a programme', description: "Changes a programme's title, summary or slug." })
  @ApiOkResponse({ type: ProgrammeViewDto })
  async update(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Param('programmeId') id: string, @Body() dto: UpdateProgrammeDto) {
    return programmeView(await this.programmes.update(tenant, id, dto, principal.userId));
  }

  @Put(':programmeId/timeline')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Set the timeline',
    description: 'Sets the instants at which the programme moves to each phase on its own (call open, screening, jury, campaign, results...).',
  })
  @ApiOkResponse({ type: ProgrammeViewDto })
  async setTimeline(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Param('programmeId') id: string, @Body() dto: SetTimelineDto) {
    const timeline: Timeline = {};
    for (const [phase, iso] of Object.entries(dto.timeline)) if (iso) timeline[phase as keyof Timeline] = new Date(iso);
    return programmeView(await this.programmes.setTimeline(tenant, id, timeline, principal.userId));
  }

  @Post(':programmeId/transitions')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Move to another phase',
    description:
      'Moves the programme to the next phase by hand (draft → call_open → screening → jury → announced → coaching → communication → campaign → settlement → results); 409 when the transition is not allowed or blocked.',
  })
  @ApiCreatedResponse({ type: ProgrammeViewDto })
  async transition(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Param('programmeId') id: string, @Body() dto: TransitionDto) {
    return programmeView(await this.programmes.transition(tenant, id, dto.to as Phase, dto.reason, principal.userId));
  }

  @Get(':programmeId/transitions')
  @Roles(['staff'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Phase history', description: 'Every phase change of the programme, with who made it and why.' })
  async transitions(@CurrentTenant() tenant: Tenant, @Param('programmeId') id: string) {
    await this.programmes.get(tenant.id, id);
    return (await this.programmes.transitions(tenant.id, id)).map((t) => ({
      from: t.fromPhase,
      to: t.toPhase,
      at: t.at,
      trigger: t.trigger,
      actorUserId: t.actorUserId,
      reason: t.reason,
    }));
  }
}
