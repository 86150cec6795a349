import { listInMemory, type ListColumn } from '../common/web/list-view.js';
import { intlTagOf } from '../common/i18n/format.js';
import { PlanDto } from './dto/coaching.dto.js';
import { checkForm } from '../common/web/forms.js';
import { Clock } from '../common/clock/clock.js';
import { type FieldProblem } from '../common/errors/domain-error.js';
import { localizeProblems } from '../common/errors/validation.js';
import { fieldErrorsView, pageErrors } from '../common/web/page-errors.js';
import type { StoredMilestone } from './coaching.entity.js';
import { milestoneInstant } from './domain/milestones.js';
import { applyDraftAction, dtosFromRows, editorFieldLabel, onEditorField, rowModels, rowsFromForm, rowsFromPlan, type PlanRow } from './plan-editor.js';
import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { attemptOnPage, onOneField } from '../common/web/page-errors.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { ViewService } from '../common/web/view.service.js';
import { FileUpload } from '../storage/file-transfer.js';
import { CoachReviewsService } from './coach-reviews.service.js';
import { CoachingService, type LaureateSchedule, type MilestoneView } from './coaching.service.js';
import { LaureateScheduleService, type UploadedEvidence } from './laureate-schedule.service.js';
import { CoachingSessionsService } from './coaching-sessions.service.js';
import { ATTENDANCE } from './domain/attendance.js';

type Body_ = Record<string, string | string[] | undefined>;
/** The dashboard's success messages (`?saved=`), one per action. */
const SAVED = ['plan', 'schedules', 'override', 'coach'];
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** A milestone for the templates: its status label key, its place or link, and the form ids. */
function milestoneModel(m: MilestoneView) {
  return {
    ...m,
    statusKey: `coaching.status.${m.effective}`,
    isSession: m.kind === 'session',
    isDeliverable: m.kind === 'deliverable',
    place: m.location?.kind === 'place' ? m.location.address : null,
    videoUrl: m.location?.kind === 'video' ? m.location.url : null,
    evidenceText: m.evidence?.kind === 'text' ? m.evidence.text : null,
    evidenceUrl: m.evidence?.kind === 'url' ? m.evidence.url : null,
    evidenceFile: m.evidence?.kind === 'file',
    canSubmit: m.kind === 'deliverable' && (m.status === 'pending' || m.status === 'changes_requested'),
    isText: m.evidenceKind === 'text',
    isUrl: m.evidenceKind === 'url',
    isFile: m.evidenceKind === 'file',
    awaitsReview: m.status === 'submitted' || (m.kind === 'session' && m.status === 'pending'),
  };
}

function scheduleModel(s: LaureateSchedule) {
  const required = s.milestones.filter((m) => m.required && m.kind === 'deliverable');
  return {
    laureate: s.laureate,
    milestones: s.milestones.map(milestoneModel),
    ready: s.readiness.ready,
    missing: s.readiness.missing,
    validatedRequired: required.filter((m) => m.status === 'validated').length,
    totalRequired: required.length,
  };
}

/**
 * Coaching pages, server-rendered and usable without JavaScript: the laureate's schedule (hand in,
 * mute reminders, calendar address), the coach's review page and the staff dashboard with readiness.
 */
@ApiExcludeController()
@Controller()
export class CoachingPagesController {
  constructor(
    private readonly coaching: CoachingService,
    private readonly laureates: LaureateScheduleService,
    private readonly coachReviews: CoachReviewsService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
    private readonly clock: Clock,
    private readonly sessions: CoachingSessionsService,
  ) {}

  /** Runs a change; a domain error becomes a message on the page (in its language) instead of an error page. */
  private attempt(page: PageContext, field: string, work: () => Promise<unknown>) {
    return attemptOnPage(this.errors, onOneField(page.locale, field), work);
  }

  // ---- laureate ----

  @Get('coaching/programmes/:programmeId')
  @Roles(['applicant'], 'programmeId')
  async schedule(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    return this.renderSchedule(page, programmeId);
  }

  @Post('coaching/programmes/:programmeId/milestones/:milestoneId')
  @HttpCode(200)
  @Roles(['applicant'], 'programmeId')
  async submit(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('milestoneId') milestoneId: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const field = `evidence-${milestoneId}`;
    const evidence = body.url !== undefined ? { kind: 'url' as const, url: str(body.url) } : { kind: 'text' as const, text: str(body.text) };
    const problem = await this.attempt(page, field, () => this.laureates.submit(page.tenant, programmeId, milestoneId, page.principal!, evidence));
    if (problem)
      return res
        .status(problem.status)
        .send(await this.renderSchedule(page, programmeId, { errorList: problem.errorList, typed: { [milestoneId]: str(body.url ?? body.text) } }));
    return res.redirect(303, `${page.basePath}/coaching/programmes/${programmeId}?saved=submitted#milestone-${milestoneId}`);
  }

  @Post('coaching/programmes/:programmeId/milestones/:milestoneId/file')
  @HttpCode(200)
  @Roles(['applicant'], 'programmeId')
  @UseInterceptors(FileUpload('file', 20 * 1024 * 1024))
  async upload(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('milestoneId') milestoneId: string,
    @UploadedFile() file: UploadedEvidence | undefined,
    @Res() res: Response,
  ) {
    const problem = await this.attempt(page, `evidence-${milestoneId}`, () =>
      this.laureates.submitFile(page.tenant, programmeId, milestoneId, page.principal!, file),
    );
    if (problem) return res.status(problem.status).send(await this.renderSchedule(page, programmeId, { errorList: problem.errorList }));
    return res.redirect(303, `${page.basePath}/coaching/programmes/${programmeId}?saved=submitted#milestone-${milestoneId}`);
  }

  @Post('coaching/programmes/:programmeId/reminders')
  @HttpCode(200)
  @Roles(['applicant'], 'programmeId')
  async mute(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    await this.laureates.setMuted(page.tenant, programmeId, page.principal!, body.muted === 'yes');
    return res.redirect(303, `${page.basePath}/coaching/programmes/${programmeId}?saved=reminders`);
  }

  /** Shows the new calendar address once (only its hash is kept). */
  @Post('coaching/programmes/:programmeId/calendar')
  @HttpCode(200)
  @Roles(['applicant'], 'programmeId')
  async calendar(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    const feedUrl = await this.coaching.rotateFeed(page.tenant, programmeId, page.principal!);
    return this.renderSchedule(page, programmeId, { feedUrl });
  }

  // ---- coach ----

  @Get('coaching/programmes/:programmeId/coach')
  @Roles(['coach', 'staff'], 'programmeId')
  async coach(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    return this.renderCoach(page, programmeId);
  }

  @Post('coaching/programmes/:programmeId/coach/milestones/:milestoneId')
  @HttpCode(200)
  @Roles(['coach', 'staff'], 'programmeId')
  async review(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('milestoneId') milestoneId: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const action = body.action === 'validate' ? 'validate' : 'request_changes';
    const problem = await this.attempt(page, `comment-${milestoneId}`, () =>
      this.coachReviews.review(page.tenant, programmeId, milestoneId, page.principal!, action, str(body.comment).slice(0, 5000)),
    );
    if (problem) return res.status(problem.status).send(await this.renderCoach(page, programmeId, { errorList: problem.errorList }));
    return res.redirect(303, `${page.basePath}/coaching/programmes/${programmeId}/coach?saved=review`);
  }

  // ---- a session: its details, and the attendance list the coach keeps ----

  @Get('coaching/programmes/:programmeId/sessions/:sessionKey')
  @Roles(['applicant', 'coach', 'staff'], 'programmeId')
  async session(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('sessionKey') sessionKey: string) {
    return this.renderSession(page, programmeId, sessionKey);
  }

  @Post('coaching/programmes/:programmeId/sessions/:sessionKey/attendance')
  @HttpCode(200)
  @Roles(['coach', 'staff'], 'programmeId')
  async attendance(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('sessionKey') sessionKey: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const entries = Object.fromEntries(
      Object.entries(body)
        .filter(([k]) => k.startsWith('attendance.'))
        .map(([k, v]) => [k.slice('attendance.'.length), str(v)]),
    );
    const problem = await this.attempt(page, 'attendance', () =>
      this.sessions.recordAttendance(page.tenant, programmeId, sessionKey, page.principal!, entries),
    );
    if (problem) return res.status(problem.status).send(await this.renderSession(page, programmeId, sessionKey, { errorList: problem.errorList }));
    return res.redirect(303, `${page.basePath}/coaching/programmes/${programmeId}/sessions/${encodeURIComponent(sessionKey)}?saved=attendance`);
  }

  // ---- staff ----

  @Get('staff/programmes/:programmeId/coaching')
  @Roles(['staff'])
  async dashboard(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: Record<string, unknown>) {
    const saved = typeof query.saved === 'string' && SAVED.includes(query.saved) ? `coachingPlan.saved.${query.saved}` : null;
    return this.renderDashboard(page, programmeId, { savedKey: saved, query });
  }

  @Post('staff/programmes/:programmeId/coaching/:action')
  @HttpCode(200)
  @Roles(['staff'])
  async act(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('action') action: string, @Body() body: Body_, @Res() res: Response) {
    if (action === 'plan') return this.savePlanForm(page, programmeId, body, res);
    const actor = page.principal!.userId;
    const run: Record<string, () => Promise<unknown>> = {
      schedules: () => this.coaching.generateSchedules(page.tenant, programmeId, actor),
      override: () => this.coaching.overrideReadiness(page.tenant, programmeId, str(body.reason), actor),
      coach: () => this.coaching.assignCoach(page.tenant, programmeId, str(body.laureateId), str(body.coachUserId) || null, actor),
    };
    if (!run[action]) throw new DomainError('NOT_FOUND');
    const problem = await this.attempt(page, action === 'override' ? 'reason' : 'actions', run[action]);
    if (problem) {
      return res.status(problem.status).send(
        await this.renderDashboard(page, programmeId, {
          errorList: problem.errorList,
          errors: problem.errors,
          reason: str(body.reason),
        }),
      );
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/coaching?saved=${action}`);
  }

  /**
   * The plan editor's form: moving a row or adding one shows the draft again (nothing is saved);
   * saving drops the rows marked for removal and saves the rest through the same rules as the API,
   * each refused field shown next to it in its row.
   */
  private async savePlanForm(page: PageContext, programmeId: string, body: Body_, res: Response) {
    const rows = rowsFromForm(body, page.tenant.languages);
    const op = str(body.op) || 'save';
    const draft = applyDraftAction(rows, op);
    if (draft) return res.status(200).send(await this.renderDashboard(page, programmeId, { rows: draft, draftNotice: true }));
    const { dtos, rowOf, problems } = dtosFromRows(rows, page.tenant.timeZone);
    let errorList: FieldProblem[] = problems;
    if (!problems.length) {
      const form = checkForm(PlanDto, { milestones: dtos });
      if (!form.ok) errorList = form.errors.map((p) => onEditorField(p, rowOf));
      else {
        try {
          await this.coaching.savePlan(page.tenant, programmeId, form.value.milestones, page.principal!.userId);
        } catch (err) {
          const shown = pageErrors(this.errors, err, { locale: page.locale, otherwise: 'plan-editor' });
          errorList = (err as DomainError).fieldErrors?.length ? (err as DomainError).fieldErrors.map((p) => onEditorField(p, rowOf)) : shown.errorList;
        }
      }
    }
    if (!errorList.length) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/coaching?saved=plan#plan-title`);
    const labels = (field: string) => editorFieldLabel(field, (key, values) => this.views.t(page.locale, key, values));
    const shown = fieldErrorsView(localizeProblems(errorList, page.locale, labels));
    return res.status(400).send(await this.renderDashboard(page, programmeId, { rows, ...shown }));
  }

  // ---- rendering ----

  private async renderSchedule(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const waiting = await this.laureates.awaitsSchedule(page.tenant, programmeId, page.principal!);
    if (waiting)
      return this.views.page('pages/coaching/schedule-pending', page, { title: this.views.t(page.locale, 'coaching.scheduleTitle'), programme: waiting });
    const s = await this.laureates.mySchedule(page.tenant, programmeId, page.principal!);
    return this.views.page('pages/coaching/schedule', page, {
      title: this.views.t(page.locale, 'coaching.scheduleTitle'),
      programme: s.programme,
      ...scheduleModel(s),
      ...extra,
    });
  }

  private async renderSession(page: PageContext, programmeId: string, key: string, extra: Record<string, unknown> = {}) {
    const v = await this.sessions.sessionView(page.tenant, programmeId, key, page.principal!);
    const m = milestoneModel({ ...v.session, effective: v.session.status } as MilestoneView);
    return this.views.page('pages/coaching/session', page, {
      title: this.views.t(page.locale, 'coachingSession.title'),
      programme: v.programme,
      sessionKey: key,
      session: m,
      end: v.end,
      held: v.held,
      canRecord: v.canRecord,
      lines: v.lines.map(({ laureate, milestone }) => ({
        laureate,
        id: milestone.id,
        attendance: milestone.attendance,
        attendanceKey: milestone.attendance ? `coachingSession.attendance.${milestone.attendance}` : 'coachingSession.notRecorded',
        recordedAt: milestone.attendanceRecordedAt,
        options: ATTENDANCE.map((a) => ({ value: a, labelKey: `coachingSession.attendance.${a}`, checked: milestone.attendance === a })),
      })),
      ...extra,
    });
  }

  private async renderCoach(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const v = await this.coachReviews.coachView(page.tenant, programmeId, page.principal!);
    return this.views.page('pages/coaching/coach', page, {
      title: this.views.t(page.locale, 'coaching.coachTitle'),
      programme: v.programme,
      awaiting: v.awaiting,
      schedules: v.schedules.map(scheduleModel),
      ...extra,
    });
  }

  /** The editor's rows (the draft sent, else the saved plan) and the preview of the saved plan for one laureate. */
  private planEditor(
    page: PageContext,
    programme: { timeline: Record<string, string> },
    milestones: readonly StoredMilestone[],
    startedAt: Date | null,
    extra: Record<string, unknown>,
  ) {
    const timeZone = page.tenant.timeZone;
    const { rows, errors, ...rest } = extra as { rows?: PlanRow[]; errors?: Record<string, string> };
    const start = startedAt ?? (programme.timeline.coaching ? new Date(programme.timeline.coaching) : this.clock.now());
    const preview = milestones
      .map((m) => ({ m, at: milestoneInstant(m.date.kind === 'absolute' ? { kind: 'absolute', at: new Date(m.date.at) } : m.date, start, timeZone) }))
      .sort((a, b) => a.at.getTime() - b.at.getTime())
      .map(({ m, at }) => ({
        ...milestoneModel({
          id: `preview-${m.id}`,
          kind: m.kind,
          title: m.title,
          description: m.description ?? {},
          required: m.required,
          at,
          durationMinutes: m.durationMinutes ?? null,
          location: m.location ?? null,
          evidenceKind: m.evidence ?? null,
          status: 'pending',
          effective: 'pending',
          evidence: null,
          feedback: '',
        } as unknown as MilestoneView),
        canSubmit: false,
      }));
    return {
      ...rest,
      errors: errors ?? {},
      timeZone,
      rows: rowModels(rows ?? rowsFromPlan(milestones, timeZone), page.tenant, errors ?? {}),
      preview,
      previewStart: start,
      previewHeading: true,
    };
  }

  /** Readiness per laureate, sorted (what is missing first by default) and paged. */
  private readinessList(page: PageContext, programmeId: string, rows: ReturnType<typeof scheduleModel>[], query: Record<string, unknown>) {
    const t = (key: string) => this.views.t(page.locale, key);
    const columns: ListColumn<ReturnType<typeof scheduleModel>>[] = [
      { key: 'laureate', label: t('coaching.laureate'), value: (r) => r.laureate.displayName },
      { key: 'coach', label: t('coaching.coach'), value: (r) => r.laureate.coachName },
      {
        key: 'done',
        label: t('coaching.requiredDone'),
        value: (r) => (r.ready ? 2 : r.totalRequired ? r.validatedRequired / r.totalRequired : 0),
        numeric: true,
      },
      { key: 'missing', label: t('coaching.missing'), value: (r) => r.missing.length, numeric: true },
    ];
    return listInMemory(rows, columns, {
      path: `${page.basePath}/staff/programmes/${programmeId}/coaching`,
      query,
      filters: [],
      defaultSort: 'missing',
      defaultDir: 'desc',
      intlTag: intlTagOf(page.locale),
    });
  }

  private async renderDashboard(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const d = await this.coaching.dashboard(page.tenant, programmeId);
    return this.views.page('pages/coaching/dashboard', page, {
      title: this.views.t(page.locale, 'coaching.dashboardTitle'),
      programme: d.programme,
      plan: d.plan,
      notReady: d.notReady,
      coaches: d.coaches,
      readiness: this.readinessList(page, programmeId, d.schedules.map(scheduleModel), (extra.query ?? {}) as Record<string, unknown>),
      override: d.plan?.readinessOverriddenAt ? d.plan : null,
      ...this.planEditor(page, d.programme, d.plan?.milestones ?? [], d.plan?.startedAt ?? null, extra),
    });
  }
}
