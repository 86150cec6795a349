import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public, Roles } from '../auth/roles.guard.js';
import { DomainError, fieldProblem } from '../common/errors/domain-error.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from '../auth/principal.js';
import { FileUpload, sendStoredFile } from '../storage/file-transfer.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import type { CoachingMilestone, CoachingPlan } from './coaching.entity.js';
import type { LaureateRow } from './coaching.repository.js';
import { CoachReviewsService } from './coach-reviews.service.js';
import { CoachingService, milestoneToDto, type LaureateSchedule } from './coaching.service.js';
import { LaureateScheduleService, type UploadedEvidence } from './laureate-schedule.service.js';
import { AssignCoachDto, MuteDto, OverrideDto, PlanDto, ReviewDto, SubmissionDto } from './dto/coaching.dto.js';

/** The coaching plan of a programme: its milestones (sessions and deliverables) and when it started. */
function coachingPlanView(p: CoachingPlan | null) {
  return {
    milestones: (p?.milestones ?? []).map(milestoneToDto),
    startedAt: p?.startedAt ?? null,
    readinessOverride: p?.readinessOverriddenAt ? { at: p.readinessOverriddenAt, reason: p.readinessOverrideReason, by: p.readinessOverriddenBy } : null,
  };
}

/** One milestone of a laureate's coaching (a session or a deliverable): when, where, and how far the laureate got. */
export function milestoneView(m: CoachingMilestone & { effective?: string }) {
  return {
    id: m.id,
    key: m.milestoneKey,
    kind: m.kind,
    title: m.title,
    description: m.description,
    required: m.required,
    at: m.at,
    durationMinutes: m.durationMinutes,
    location: m.location,
    evidenceKind: m.evidenceKind,
    status: m.effective ?? m.status,
    storedStatus: m.status,
    evidence: m.evidence,
    submittedAt: m.submittedAt,
    feedback: m.feedback,
    reviewedAt: m.reviewedAt,
    attendance: m.attendance ?? null,
  };
}

/** A laureate of the programme in coaching, with their coach. */
function laureateView(l: LaureateRow) {
  return {
    id: l.id,
    applicationId: l.applicationId,
    userId: l.userId,
    displayName: l.displayName,
    title: l.title,
    receiptNumber: l.receiptNumber,
    coach: l.coachUserId ? { userId: l.coachUserId, displayName: l.coachName, email: l.coachEmail } : null,
    remindersMuted: l.remindersMuted,
  };
}

/** A laureate's coaching schedule: their milestones and whether they are ready for their campaign. */
function scheduleView(s: LaureateSchedule) {
  return { laureate: laureateView(s.laureate), milestones: s.milestones.map(milestoneView), readiness: s.readiness };
}

/** Coaching: staff's plan and dashboard, the laureate's schedule, the coach's reviews, the calendar feed. */
@ApiTags('coaching')
@ApiBearerAuth()
@Controller()
export class CoachingController {
  constructor(
    private readonly coaching: CoachingService,
    private readonly laureates: LaureateScheduleService,
    private readonly coachReviews: CoachReviewsService,
  ) {}

  // ---- staff ----

  @Get('api/programmes/:programmeId/coaching/plan')
  @Roles(['staff'])
  @ApiOperation({
    summary: 'Read the coaching plan',
    description: "The programme's coaching plan: the milestones every laureate goes through before the campaign.",
  })
  async getPlan(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    return coachingPlanView((await this.coaching.plan(tenant, programmeId)).plan);
  }

  @Put('api/programmes/:programmeId/coaching/plan')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Set the coaching plan', description: 'Sets the milestones (title, due date, kind of hand-in) of the coaching plan.' })
  async putPlan(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: PlanDto) {
    return coachingPlanView(await this.coaching.savePlan(tenant, programmeId, dto.milestones, p.userId));
  }

  @Post('api/programmes/:programmeId/coaching/schedules')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Give laureates their schedules', description: 'Gives every confirmed laureate the plan as their schedule (again): idempotent.' })
  async generate(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return this.coaching.generateSchedules(tenant, programmeId, p.userId);
  }

  @Get('api/programmes/:programmeId/coaching/laureates')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Coaching dashboard', description: 'Every laureate with their coach, milestones and readiness for the campaign.' })
  async dashboard(@CurrentTenant() tenant: Tenant, @Param('programmeId') programmeId: string) {
    const d = await this.coaching.dashboard(tenant, programmeId);
    return {
      laureates: d.schedules.map(scheduleView),
      notReady: d.notReady,
      coaches: d.coaches,
      readinessOverride: coachingPlanView(d.plan).readinessOverride,
    };
  }

  @Patch('api/programmes/:programmeId/coaching/laureates/:laureateId')
  @Roles(['staff'])
  @ApiOperation({ summary: 'Assign a coach', description: "Assigns (or changes) a laureate's coach." })
  async assign(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('laureateId') laureateId: string,
    @Body() dto: AssignCoachDto,
  ) {
    return laureateView(await this.coaching.assignCoach(tenant, programmeId, laureateId, dto.coachUserId ?? null, p.userId));
  }

  @Post('api/programmes/:programmeId/coaching/readiness-override')
  @Roles(['staff'])
  @HttpCode(200)
  @ApiOperation({
    summary: 'Override readiness',
    description: 'Lets the campaign phase start although some laureates are not ready (audited with the reason).',
  })
  async override(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: OverrideDto) {
    return coachingPlanView(await this.coaching.overrideReadiness(tenant, programmeId, dto.reason, p.userId));
  }

  // ---- laureate ----

  @Get('api/programmes/:programmeId/coaching/me')
  @Roles(['applicant'], 'programmeId')
  @ApiOperation({ summary: 'My coaching schedule', description: "The signed-in laureate's milestones, hand-ins and reviews." })
  async mine(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return scheduleView(await this.laureates.mySchedule(tenant, programmeId, p));
  }

  @Post('api/programmes/:programmeId/coaching/me/milestones/:milestoneId/submission')
  @Roles(['applicant'], 'programmeId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Hand in a milestone', description: 'Hands in a text or a link (JSON); a file goes to `.../files` as multipart.' })
  async submit(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('milestoneId') milestoneId: string,
    @Body() dto: SubmissionDto,
  ) {
    if ((dto.text === undefined) === (dto.url === undefined)) {
      throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('text', 'validation.textOrUrl')]);
    }
    const evidence = dto.text !== undefined ? { kind: 'text' as const, text: dto.text } : { kind: 'url' as const, url: dto.url! };
    return milestoneView(await this.laureates.submit(tenant, programmeId, milestoneId, p, evidence));
  }

  @Post('api/programmes/:programmeId/coaching/me/milestones/:milestoneId/files')
  @Roles(['applicant'], 'programmeId')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @UseInterceptors(FileUpload('file', 20 * 1024 * 1024))
  @ApiOperation({ summary: 'Hand in a milestone file', description: 'Hands in a file for a milestone (multipart, field `file`).' })
  async upload(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('milestoneId') milestoneId: string,
    @UploadedFile() file: UploadedEvidence | undefined,
  ) {
    return milestoneView(await this.laureates.submitFile(tenant, programmeId, milestoneId, p, file));
  }

  @Put('api/programmes/:programmeId/coaching/me/reminders')
  @Roles(['applicant'], 'programmeId')
  @ApiOperation({ summary: 'Mute my reminders', description: 'The laureate turns the milestone reminders off or on.' })
  async mute(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string, @Body() dto: MuteDto) {
    await this.laureates.setMuted(tenant, programmeId, p, dto.muted);
    return { remindersMuted: dto.muted };
  }

  @Post('api/programmes/:programmeId/coaching/me/calendar')
  @Roles(['applicant'], 'programmeId')
  @HttpCode(200)
  @ApiOperation({ summary: 'New calendar address', description: 'A new secret calendar address; the previous one stops working.' })
  async calendar(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    return { feedUrl: await this.coaching.rotateFeed(tenant, programmeId, p) };
  }

  @Get('coaching/calendar/:token.ics')
  @Public()
  @ApiOperation({ summary: 'Calendar feed', description: "The laureate's milestones as an iCalendar feed (the secret address is the credential)." })
  async feed(@CurrentTenant() tenant: Tenant, @Param('token') token: string, @Res() res: Response) {
    const body = await this.coaching.feed(tenant, token);
    res.setHeader('Content-Type', 'text/calendar; charset=utf-8');
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.send(body);
  }

  // ---- coach ----

  @Get('api/programmes/:programmeId/coaching/coach')
  @Roles(['coach', 'staff'], 'programmeId')
  @ApiOperation({ summary: 'My coached laureates', description: "The signed-in coach's laureates and what waits for their review." })
  async coach(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() p: Principal, @Param('programmeId') programmeId: string) {
    const v = await this.coachReviews.coachView(tenant, programmeId, p);
    return { awaiting: v.awaiting, laureates: v.schedules.map(scheduleView) };
  }

  @Post('api/programmes/:programmeId/coaching/milestones/:milestoneId/review')
  @Roles(['coach', 'staff'], 'programmeId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Review a milestone', description: 'The coach accepts a hand-in or asks for changes, with a comment.' })
  async review(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('milestoneId') milestoneId: string,
    @Body() dto: ReviewDto,
  ) {
    return milestoneView(await this.coachReviews.review(tenant, programmeId, milestoneId, p, dto.action, dto.comment ?? ''));
  }

  @Get('api/programmes/:programmeId/coaching/milestones/:milestoneId/file')
  @Roles(['applicant', 'coach', 'staff'], 'programmeId')
  @ApiOperation({ summary: 'Download a milestone file', description: 'The file a laureate handed in for a milestone.' })
  async file(
    @CurrentTenant() tenant: Tenant,
    @CurrentPrincipal() p: Principal,
    @Param('programmeId') programmeId: string,
    @Param('milestoneId') milestoneId: string,
    @Res() res: Response,
  ) {
    sendStoredFile(res, await this.coachReviews.evidenceFile(tenant, programmeId, milestoneId, p));
  }
}
