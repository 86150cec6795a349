import { contentFallbacks, localizedText } from '../common/i18n/localized.js';
import { Body, Controller, HttpCode, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { checkForm, defaultLanguageProblem, errorMap, localizedFromForm, withFieldErrors } from '../common/web/forms.js';
import { ViewService } from '../common/web/view.service.js';
import { PHASES, type Phase, nextPhase, phaseIndex } from './domain/phase.js';
import type { GuardReason } from './domain/phase-guards.js';
import { type Timeline } from './domain/timeline.js';
import { CreateProgrammeDto, TransitionDto } from './dto/programme.dto.js';
import { Programme } from './programme.entity.js';
import { ProgrammesService, timelineOf } from './programmes.service.js';

/**
 * The timeline as rows for templates: each phase, its start, and whether it is past, current or to come.
 * A phase the programme went through shows the day it really began (`entered`, from the phase history),
 * which is the scheduled one unless staff moved it by hand; a phase to come shows its scheduled start.
 */
export function timelineRows(p: Pick<Programme, 'phase' | 'timeline'>, entered: Record<string, string | Date> = {}) {
  const timeline = timelineOf(p as Programme);
  const current = phaseIndex(p.phase);
  return PHASES.filter((ph) => ph !== 'draft').map((phase) => {
    const state = phaseIndex(phase) < current ? 'past' : phaseIndex(phase) === current ? 'current' : 'future';
    const real = state !== 'future' && entered[phase] ? new Date(entered[phase]) : null;
    const scheduled = timeline[phase as keyof Timeline] ?? null;
    // A past phase skipped over (moved past by hand) has no start of its own: it says so instead of "to come".
    return { phase, at: (real ?? scheduled)?.toISOString() ?? null, state, skipped: state === 'past' && !real && !scheduled };
  });
}

@ApiExcludeController()
@Controller()
export class ProgrammesPagesController {
  constructor(
    private readonly programmes: ProgrammesService,
    private readonly views: ViewService,
  ) {}

  // GET programmes/:slug (the public programme page) lives in src/public/public-pages.controller.ts.

  // GET me ("my space") lives in src/me/me.pages.controller.ts.

  @Get('staff')
  @Roles(['staff'])
  async dashboard(@Page() page: PageContext) {
    const programmes = await this.programmes.list(page.tenant.id);
    return this.views.page('pages/staff/dashboard', page, { title: this.views.t(page.locale, 'staff.title'), programmes });
  }

  @Get('staff/programmes/new')
  @Roles(['staff'])
  newProgramme(@Page() page: PageContext) {
    return this.views.page('pages/staff/programme-new', page, { title: this.views.t(page.locale, 'staff.newProgramme'), values: {} });
  }

  @Post('staff/programmes')
  @HttpCode(200)
  @Roles(['staff'])
  async createProgramme(@Page() page: PageContext, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const languages = page.tenant.languages;
    const values = { slug: body.slug, title: localizedFromForm(body, 'title', languages), summary: localizedFromForm(body, 'summary', languages) };
    const again = (errors: FieldProblem[]) =>
      res.status(400).send(
        this.views.page('pages/staff/programme-new', page, {
          title: this.views.t(page.locale, 'staff.newProgramme'),
          values,
          errors: errorMap(errors),
          errorList: errors,
        }),
      );
    const missingDefault = defaultLanguageProblem(
      values.title,
      'title',
      page.tenant.defaultLocale,
      this.views.t(page.locale, 'form.defaultLanguageRequired', { language: this.views.translations.nativeName(page.tenant.defaultLocale) }),
    );
    const form = checkForm(CreateProgrammeDto, values);
    if (!form.ok || missingDefault.length)
      return again([...missingDefault, ...(form.ok ? [] : form.errors.filter((e) => !missingDefault.some((m) => m.field === e.field)))]);
    try {
      const p = await this.programmes.create(page.tenant, form.value, page.principal!.userId);
      return res.redirect(303, `${page.basePath}/staff/programmes/${p.id}`);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'PROGRAMME_SLUG_TAKEN') {
        return again([{ field: 'slug', message: this.views.t(page.locale, 'staff.slugTaken') }]);
      }
      throw err;
    }
  }

  @Get('staff/programmes/:programmeId')
  @Roles(['staff'])
  async programmeDesk(@Page() page: PageContext, @Param('programmeId') id: string) {
    return this.renderDesk(page, await this.programmes.get(page.tenant.id, id));
  }

  @Post('staff/programmes/:programmeId/timeline')
  @HttpCode(200)
  @Roles(['staff'])
  async saveTimeline(@Page() page: PageContext, @Param('programmeId') id: string, @Body() body: Record<string, string>, @Res() res: Response) {
    const p = await this.programmes.get(page.tenant.id, id);
    const timeline: Timeline = {};
    const problems: FieldProblem[] = [];
    for (const phase of PHASES.slice(1)) {
      const raw = (body[phase] ?? '').trim();
      if (!raw) continue;
      const at = zonedWallTimeToInstant(raw, page.tenant.timeZone);
      if (!at) problems.push({ field: `timeline.${phase}`, message: this.views.t(page.locale, 'staff.badDate') });
      else timeline[phase as keyof Timeline] = at;
    }
    const result = problems.length
      ? { ok: false as const, errors: problems }
      : await withFieldErrors(() => this.programmes.setTimeline(page.tenant, p.id, timeline, page.principal!.userId));
    if (!result.ok)
      return res.status(400).send(await this.renderDesk(page, p, { timelineErrors: errorMap(result.errors), errorList: result.errors, timelineValues: body }));
    return res.redirect(303, `${page.basePath}/staff/programmes/${p.id}?saved=timeline`);
  }

  /**
   * The confirmation step of moving a phase by hand: the desk's form comes here (GET, with the target
   * phase and the reason); the confirm form posts them to phase. A missing reason is shown on the desk.
   */
  @Get('staff/programmes/:programmeId/phase/confirm')
  @Roles(['staff'])
  async confirmPhase(@Page() page: PageContext, @Param('programmeId') id: string, @Query() query: Record<string, unknown>, @Res() res: Response) {
    const p = await this.programmes.get(page.tenant.id, id);
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const body = { from: text(query.from), to: text(query.to), reason: text(query.reason) };
    const form = checkForm(TransitionDto, { to: body.to, reason: body.reason });
    if (!form.ok)
      return res.status(400).send(await this.renderDesk(page, p, { phaseErrors: errorMap(form.errors), errorList: form.errors, reason: body.reason }));
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const audience = await this.programmes.phaseAudience(page.tenant.id);
    return res.send(
      confirmPage(this.views, page, {
        title: t('confirm.phase.title'),
        consequences: [
          t('confirm.phase.move', {
            from: t(`phase.${(PHASES as readonly string[]).includes(body.from) ? body.from : p.phase}`),
            to: t(`phase.${form.value.to}`),
          }),
          t('confirm.phase.audience', audience),
          t('confirm.phase.reason', { reason: form.value.reason }),
        ],
        action: `/staff/programmes/${p.id}/phase`,
        confirmLabel: t('staff.move'),
        cancel: `/staff/programmes/${p.id}`,
        fields: body,
      }),
    );
  }

  @Post('staff/programmes/:programmeId/phase')
  @HttpCode(200)
  @Roles(['staff'])
  async movePhase(@Page() page: PageContext, @Param('programmeId') id: string, @Body() body: Record<string, string>, @Res() res: Response) {
    const p = await this.programmes.get(page.tenant.id, id);
    const form = checkForm(TransitionDto, { to: body.to, reason: body.reason });
    if (!form.ok)
      return res.status(400).send(await this.renderDesk(page, p, { phaseErrors: errorMap(form.errors), errorList: form.errors, reason: body.reason }));
    try {
      await this.programmes.transition(page.tenant, p.id, form.value.to as Phase, form.value.reason, page.principal!.userId, body.from as Phase);
      return res.redirect(303, `${page.basePath}/staff/programmes/${p.id}?saved=phase`);
    } catch (err) {
      if (err instanceof DomainError && ['PHASE_BLOCKED', 'PHASE_CHANGED_MEANWHILE', 'PHASE_TRANSITION_NOT_ALLOWED'].includes(err.code)) {
        const blockers = (err.details.blockers as GuardReason[] | undefined)?.map((b) => this.views.message(page.locale, b));
        const message = blockers?.join(' ') ?? this.views.t(page.locale, 'staff.phaseConflict');
        const errors = [{ field: 'to', message }];
        return res.status(409).send(
          await this.renderDesk(page, await this.programmes.get(page.tenant.id, id), {
            phaseErrors: errorMap(errors),
            errorList: errors,
            reason: body.reason,
          }),
        );
      }
      throw err;
    }
  }

  private async renderDesk(page: PageContext, p: Programme, extra: Record<string, unknown> = {}) {
    const transitions = await this.programmes.transitions(page.tenant.id, p.id);
    const next = nextPhase(p.phase);
    return this.views.page('pages/staff/programme', page, {
      title: localizedText(p.title, page.locale, contentFallbacks(page.tenant)),
      programme: p,
      timeline: timelineRows(p, Object.fromEntries([...transitions].sort((a, b) => a.at.getTime() - b.at.getTime()).map((x) => [x.toPhase, x.at]))),
      transitions,
      nextPhase: next,
      ...extra,
    });
  }
}
