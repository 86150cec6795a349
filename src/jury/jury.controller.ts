import type { Locale as Lang } from '../common/i18n/localized.js';
import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { fieldProblem, DomainError } from '../common/errors/domain-error.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import { Locale } from '../common/web/locale.decorator.js';
import type { Principal } from '../auth/principal.js';
import { sendStoredFile } from '../storage/file-transfer.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import {
  BallotDto,
  ComparisonDto,
  ConfirmDto,
  ConflictDto,
  FavouritesDto,
  InviteMemberDto,
  JurySettingsDto,
  NoteDto,
  RankingDto,
  StaffConflictDto,
  UpdateMemberDto,
} from './dto/jury.dto.js';
import type { Jury, JuryBallot, JuryMember, JuryOutcome } from './jury.entity.js';
import { anonymisedBallotsCsv, evaluationsCsv, evaluationsXlsx } from './jury.export.js';
import { juryResultsView } from './jury-results-api.view.js';
import { JuryResultsService } from './jury-results.service.js';
import { JurySetupService } from './jury-setup.service.js';
import { settingsOf } from './jury.settings.js';
import { JuryVoteService } from './jury-vote.service.js';

/** The jury of a programme: its voting method and settings, its applications and where the vote stands. */
export function juryView(j: Jury | null) {
  return {
    method: j?.method ?? 'favourites',
    settings: settingsOf(j),
    status: j?.status ?? 'setup',
    applicationIds: j?.applicationIds ?? [],
    openedAt: j?.openedAt ?? null,
    closedAt: j?.closedAt ?? null,
    closedBy: j?.closedBy ?? null,
    confirmedAt: j?.confirmedAt ?? null,
    announcedAt: j?.announcedAt ?? null,
  };
}

/** A juror of the programme. */
export function memberView(m: JuryMember) {
  return { id: m.id, userId: m.userId, displayName: m.displayName, email: m.email, organisation: m.organisation, weight: m.weight };
}

/** A juror's ballot on one application (scores per criterion, a pick or a rank, a comment). */
function ballotView(b: JuryBallot) {
  return { applicationId: b.applicationId, scores: b.scores, picked: b.picked, rank: b.rank, comment: b.comment, version: b.version, updatedAt: b.updatedAt };
}

/** What a juror sees of the vote: how to judge, the applications to judge with their ballots, and the progress. */
export function jurorBallotsView(m: Awaited<ReturnType<JuryVoteService['mine']>>) {
  return {
    method: m.method,
    status: m.status,
    blindReview: m.settings.blindReview,
    maxFavourites: m.settings.maxFavourites,
    criteria: m.method === 'scored_criteria' ? m.settings.criteria : [],
    progress: m.progress,
    items: m.items,
    conflicts: m.conflicts,
  };
}

/** What the jury decided for one application: laureate, waiting list or not selected, and what happened since. */
export function outcomeView(o: JuryOutcome) {
  return {
    applicationId: o.applicationId,
    status: o.status,
    rank: o.rank,
    waitingPosition: o.waitingPosition,
    score: o.score,
    overridden: o.overridden,
    confirmedAt: o.confirmedAt,
    withdrawnAt: o.withdrawnAt ?? null,
    withdrawnReason: o.withdrawnReason ?? null,
    withdrawnByLaureate: o.withdrawnByLaureate ?? false,
    promotedAt: o.promotedAt ?? null,
    promotedFromPosition: o.promotedFromPosition ?? null,
  };
}

/** Staff compose and run the jury; jurors vote under `/jury/me`. */
@ApiTags('jury')
@ApiBearerAuth()
@Controller('api/programmes/:programmeId/jury')
export class JuryController {
  constructor(
    private readonly setup: JurySetupService,
    private readonly vote: JuryVoteService,
    private readonly juryResults: JuryResultsService,
  ) {}

  // ---- staff ----

  @Get()
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read the jury', description: 'The jury of a programme: its members, settings and voting method.' })
  async get(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const o = await this.setup.overview(tenant, programmeId);
    return { ...juryView(o.jury), members: o.members.map(memberView) };
  }

  @Put('settings')
  @Roles(['staff'])
  @ApiOperation({
    summary: 'Set the jury settings',
    description: 'Sets the voting method (scores, ranking, pairwise comparisons), criteria and the number of laureates.',
  })
  async settings(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: JurySettingsDto) {
    return juryView(await this.setup.saveSettings(tenant, programmeId, dto, p.userId));
  }

  @Post('members')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Invite a juror', description: "Adds a juror to the programme's jury; they get an invitation with a sign-in link." })
  async invite(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: InviteMemberDto) {
    return memberView(await this.setup.invite(tenant, programmeId, dto, p.userId));
  }

  @Patch('members/:memberId')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Change a juror', description: "Changes a juror's role (chair, member) or organisation." })
  async updateMember(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('memberId') memberId: string,
    @Body() dto: UpdateMemberDto,
  ) {
    return memberView(await this.setup.updateMember(tenant, programmeId, memberId, dto, p.userId));
  }

  @Delete('members/:memberId')
  @Roles(['staff'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a juror', description: 'Removes a juror before the vote opens.' })
  async removeMember(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('memberId') memberId: string,
  ) {
    await this.setup.removeMember(tenant, programmeId, memberId, p.userId);
  }

  @Post('conflicts')
  @Roles(['staff'])
  @HttpCode(204)
  @ApiOperation({ summary: 'Record a conflict of interest', description: 'Staff record that a juror may not judge an application.' })
  async staffConflict(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Body() dto: StaffConflictDto,
  ) {
    await this.setup.staffConflict(tenant, programmeId, dto.memberId, dto.applicationId, dto.reason ?? '', p.userId);
  }

  @Get('assignment')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read the assignment', description: 'Which juror reads which eligible application.' })
  async assignment(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const { stored, result } = await this.setup.assignment(tenant, programmeId);
    return { stored, ...result };
  }

  @Post('vote/open')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Open the vote', description: "Opens the jury's vote on the eligible applications." })
  async open(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return juryView(await this.setup.openVote(tenant, programmeId, p.userId));
  }

  @Post('vote/close')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the vote', description: 'Closes the vote; the results are computed.' })
  async close(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return juryView(await this.juryResults.closeVote(tenant, programmeId, p.userId));
  }

  @Get('progress')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Voting progress', description: 'How far each juror is in their ballots.' })
  async progress(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const { jury, jurors, applications } = await this.juryResults.progress(tenant, programmeId);
    return { status: jury.status, jurors, applications };
  }

  @Post('reminders')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({
    summary: 'Remind jurors',
    description: 'E-mails the jurors who have not finished. Send an Idempotency-Key so that a retried request does not remind twice.',
  })
  async remind(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Headers('idempotency-key') key?: string,
  ) {
    if (key !== undefined && !/^[\w.:-]{8,100}$/.test(key)) {
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('Idempotency-Key', 'validation.idempotencyKey')]);
    }
    return this.juryResults.remind(tenant, programmeId, p.userId, key);
  }

  @Get('results')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read the results', description: "The jury's ranking with ties and the suggested laureates." })
  async results(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string, @Locale() locale: Lang) {
    const results = await this.juryResults.results(tenant, programmeId);
    return juryResultsView(results, locale, results.outcomes.map(outcomeView));
  }

  @Post('laureates')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm the laureates', description: 'Confirms the laureates (and the waiting list) from the results.' })
  async confirm(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: ConfirmDto) {
    return { outcomes: (await this.juryResults.confirm(tenant, programmeId, dto, p.userId)).map(outcomeView) };
  }

  @Post('announce')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Announce the laureates', description: 'Announces the laureates: applicants are told, the programme moves to announced.' })
  async announce(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return juryView(await this.juryResults.announce(tenant, programmeId, p.userId));
  }

  @Get('export/ballots.csv')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Export anonymous ballots', description: 'Ballots with jurors replaced by J01, J02... (no name, no organisation, no comment).' })
  async exportBallots(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string, @Res() res: Response) {
    const data = await this.juryResults.exportData(tenant, programmeId);
    res.setHeader('Content-Disposition', `attachment; filename="jury-ballots-anonymised.csv"`);
    res.type('text/csv; charset=utf-8').send(anonymisedBallotsCsv(data));
  }

  @Get('export/evaluations')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Export evaluations', description: 'Every evaluation, per juror and criterion, with comments.' })
  async exportEvaluations(
    @CurrentTenant() tenant: Tenant,
    @Param('programmeId') programmeId: string,
    @Query('format') format: string,
    @Locale() locale: Lang,
    @Res() res: Response,
  ) {
    if (format !== 'csv' && format !== 'xlsx')
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('format', 'validation.isIn', { values: 'csv, xlsx' })]);
    const data = await this.juryResults.exportData(tenant, programmeId);
    res.setHeader('Content-Disposition', `attachment; filename="jury-evaluations.${format}"`);
    if (format === 'csv') res.type('text/csv; charset=utf-8').send(evaluationsCsv(data, locale));
    else res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(await evaluationsXlsx(data, locale));
  }

  // ---- jurors ----

  @Get('me')
  @Roles(['juror'], 'programmeId')
  @ApiOperation({ summary: 'My jury work', description: "The signed-in juror's applications to judge and their ballots." })
  async mine(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return jurorBallotsView(await this.vote.mine(tenant, programmeId, p));
  }

  @Get('me/applications/:applicationId')
  @Roles(['juror'], 'programmeId')
  @ApiOperation({ summary: 'Read an application as a juror', description: 'An application the juror is assigned to judge.' })
  async read(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Locale() locale: Lang,
  ) {
    const r = await this.vote.readApplication(tenant, programmeId, applicationId, p, locale);
    return { ...r.application, rows: r.rows, conflict: r.conflict, ballot: r.ballot, note: r.note, attachments: r.attachments };
  }

  @Get('me/applications/:applicationId/files/:fileId')
  @Roles(['juror'], 'programmeId')
  @ApiOperation({ summary: "Download an application's file as a juror", description: 'A file of an application the juror is assigned to judge.' })
  async file(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Param('fileId') fileId: string,
    @Res() res: Response,
  ) {
    sendStoredFile(res, await this.vote.readFile(tenant, programmeId, applicationId, fileId, p));
  }

  @Post('me/conflicts')
  @Roles(['juror'], 'programmeId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Declare a conflict of interest', description: 'The juror declares they may not judge an application.' })
  async conflict(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: ConflictDto) {
    await this.vote.declareConflict(tenant, programmeId, dto.applicationId, dto.reason ?? '', p);
  }

  @Delete('me/conflicts/:applicationId')
  @Roles(['juror'], 'programmeId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraw a conflict of interest',
    description: 'Withdraws a conflict declared by mistake: before the vote opens only (409 after).',
  })
  async withdrawConflict(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
  ) {
    return { applicationId, withdrawn: await this.vote.withdrawConflict(tenant, programmeId, applicationId, p) };
  }

  @Put('me/ballots/:applicationId')
  @Roles(['juror'], 'programmeId')
  @ApiOperation({ summary: 'Score an application', description: "The juror's scores per criterion (and comment) for one application." })
  async ballot(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: BallotDto,
  ) {
    return ballotView(await this.vote.castBallot(tenant, programmeId, applicationId, dto, p));
  }

  @Put('me/favourites')
  @Roles(['juror'], 'programmeId')
  @ApiOperation({ summary: 'Set my favourites', description: "The juror's favourite applications (approval voting)." })
  async favourites(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: FavouritesDto) {
    return { applicationIds: await this.vote.setFavourites(tenant, programmeId, dto.applicationIds, p) };
  }

  @Put('me/ranking')
  @Roles(['juror'], 'programmeId')
  @ApiOperation({ summary: 'Set my ranking', description: "The juror's ranking of the applications (ranking method)." })
  async ranking(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: RankingDto) {
    return { applicationIds: await this.vote.setRanking(tenant, programmeId, dto.applicationIds, p) };
  }

  @Get('me/next-pair')
  @Roles(['juror'], 'programmeId')
  @ApiOperation({ summary: 'Next pair to compare', description: 'The next two applications the juror should compare (pairwise method).' })
  async nextPair(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return { pair: await this.vote.nextPairFor(tenant, programmeId, p) };
  }

  @Post('me/comparisons')
  @Roles(['juror'], 'programmeId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Compare two applications', description: 'The juror says which of two applications they prefer (pairwise method).' })
  async compare(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: ComparisonDto) {
    await this.vote.compare(tenant, programmeId, dto.winnerId, dto.loserId, p);
  }

  @Put('me/notes/:applicationId')
  @Roles(['juror'], 'programmeId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Keep a private note', description: "A juror's private note on an application (only they see it)." })
  async note(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: NoteDto,
  ) {
    await this.vote.saveNote(tenant, programmeId, applicationId, dto.body, p);
  }
}
