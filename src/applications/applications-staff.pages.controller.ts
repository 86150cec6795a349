import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import type { Call } from './call.entity.js';
import { contentFallbacks, editorLanguages } from '../common/i18n/localized.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { pageErrors } from '../common/web/page-errors.js';
import { ViewService } from '../common/web/view.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { callFromForm, callToForm, categoriesMissing } from './applications.forms.js';
import { ApplicationsService } from './applications.service.js';
import { failedRules } from './domain/eligibility.js';
import { checkFilter } from './dto/application-filter.dto.js';
import { CallDto } from './dto/call.dto.js';
import { ScreeningService } from './screening.service.js';

/** The staff's pages for applications: the screening desk, a review, and the call editor. */
@ApiExcludeController()
@Controller()
export class ApplicationsStaffPagesController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly screening: ScreeningService,
    private readonly programmes: ProgrammesService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
  ) {}

  // ---- screening desk ----

  @Get('staff/programmes/:programmeId/applications')
  @Roles(['staff'])
  async desk(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: Record<string, string>) {
    const programme = await this.programmes.get(page.tenant.id, programmeId);
    const call = await this.applications.findCall(page.tenant.id, programmeId);
    if (!call) return this.views.page('pages/staff/desk', page, { title: this.views.t(page.locale, 'desk.title'), programme, noCall: true });
    const filter = checkFilter({
      status: query.status,
      screening: query.screening,
      category: query.category,
      commune: query.commune,
      q: query.q,
      eligibility: query.eligibility,
    });
    const { rows, total } = await this.screening.list(page.tenant, programmeId, filter);
    return this.views.page('pages/staff/desk', page, {
      title: this.views.t(page.locale, 'desk.title'),
      programme,
      call,
      total,
      filter: query,
      rows: rows.map((r) => ({
        ...r.application,
        failed: failedRules(r.rules).length,
      })),
    });
  }

  @Get('staff/applications/:id')
  @Roles(['staff'])
  async review(@Page() page: PageContext, @Param('id') id: string) {
    return this.renderReview(page, id);
  }

  @Post('staff/applications/:id/decision')
  @HttpCode(200)
  @Roles(['staff'])
  async decide(@Page() page: PageContext, @Param('id') id: string, @Body() body: Record<string, string>, @Res() res: Response) {
    const reason = (body.reason ?? '').trim();
    if (!['eligible', 'ineligible'].includes(body.decision) || reason.length < 3) {
      const errors = [{ field: 'reason', message: this.views.t(page.locale, 'desk.reasonRequired') }];
      return res.status(400).send(await this.renderReview(page, id, { errors: errorMap(errors), errorList: errors }));
    }
    await this.screening.decide(page.tenant, id, page.principal!, body.decision as 'eligible' | 'ineligible', reason);
    return res.redirect(303, `${page.basePath}/staff/applications/${id}?saved=decision`);
  }

  @Post('staff/applications/:id/comments')
  @HttpCode(200)
  @Roles(['staff'])
  async comment(@Page() page: PageContext, @Param('id') id: string, @Body() body: Record<string, string>, @Res() res: Response) {
    const text = (body.body ?? '').trim();
    if (!text || text.length > 5000) {
      const errors = [{ field: 'body', message: this.views.t(page.locale, 'desk.commentRequired') }];
      return res.status(400).send(await this.renderReview(page, id, { errors: errorMap(errors), errorList: errors }));
    }
    await this.screening.comment(page.tenant, id, page.principal!, text);
    return res.redirect(303, `${page.basePath}/staff/applications/${id}#comments-title`);
  }

  @Post('staff/applications/:id/correction')
  @HttpCode(200)
  @Roles(['staff'])
  async correction(@Page() page: PageContext, @Param('id') id: string, @Body() body: Record<string, string>, @Res() res: Response) {
    const until = zonedWallTimeToInstant((body.until ?? '').trim(), page.tenant.timeZone);
    const message = (body.message ?? '').trim();
    const errors: FieldProblem[] = [];
    if (!until) errors.push({ field: 'until', message: this.views.t(page.locale, 'staff.badDate') });
    if (message.length < 3) errors.push({ field: 'message', message: this.views.t(page.locale, 'desk.messageRequired') });
    if (!errors.length) {
      try {
        await this.screening.requestCorrection(page.tenant, id, page.principal!, message, until!);
        return res.redirect(303, `${page.basePath}/staff/applications/${id}?saved=correction`);
      } catch (err) {
        errors.push(...pageErrors(this.errors, err, { locale: page.locale }).errorList);
      }
    }
    return res.status(400).send(await this.renderReview(page, id, { errors: errorMap(errors), errorList: errors }));
  }

  // ---- the call editor ----

  @Get('staff/programmes/:programmeId/call')
  @Roles(['staff'])
  async callEditor(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    const programme = await this.programmes.get(page.tenant.id, programmeId);
    const call = await this.applications.findCall(page.tenant.id, programmeId);
    const languages = editorLanguages(page.tenant);
    return this.views.page('pages/staff/call', page, {
      title: this.views.t(page.locale, 'call.title'),
      programme,
      values: callToForm(call, page.tenant.timeZone, languages),
      ...this.callEditorHelp(page, languages, call),
    });
  }

  @Post('staff/programmes/:programmeId/call')
  @HttpCode(200)
  @Roles(['staff'])
  async saveCall(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Record<string, string>, @Res() res: Response) {
    const programme = await this.programmes.get(page.tenant.id, programmeId);
    const languages = editorLanguages(page.tenant);
    const { dto, problems } = callFromForm(body, page.tenant.timeZone, languages);
    const again = (status: number, errors: FieldProblem[]) =>
      res.status(status).send(
        this.views.page('pages/staff/call', page, {
          title: this.views.t(page.locale, 'call.title'),
          programme,
          values: { ...body, text: dto.text },
          errors: errorMap(errors),
          errorList: errors,
          ...this.callEditorHelp(page, languages, null),
        }),
      );
    if (problems.length) return again(400, problems);
    const form = checkForm(CallDto, dto);
    if (!form.ok) return again(400, form.errors);
    try {
      await this.applications.setCall(page.tenant, programmeId, form.value, page.principal!.userId);
    } catch (err) {
      // A change that would invalidate submitted applications is a 409, a bad field a 400.
      const problem = pageErrors(this.errors, err, { locale: page.locale });
      return again(problem.status, problem.errorList);
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/call?saved=1`);
  }
  // ---- rendering ----

  /** The column order of the category lines, and what is left to translate, named in each language's own name. */
  private callEditorHelp(page: PageContext, languages: readonly string[], call: Call | null) {
    const names = languages.map((l) => this.views.translations.nativeName(l));
    return {
      categoriesHint: this.views.t(page.locale, 'call.categoriesColumns', { columns: names.join(' | ') }),
      categoriesMissing: categoriesMissing(call, languages).map((c) => ({
        key: c.key,
        languages: c.languages.map((l) => ({ lang: l, name: this.views.translations.nativeName(l) })),
      })),
    };
  }

  private async renderReview(page: PageContext, id: string, extra: Record<string, unknown> = {}) {
    const app = await this.applications.view(page.tenant, id, page.principal!);
    const call = await this.applications.getCall(page.tenant.id, app.programmeId);
    const programme = await this.programmes.get(page.tenant.id, app.programmeId);
    return this.views.page('pages/staff/review', page, {
      title: app.title || this.views.t(page.locale, 'apply.untitled'),
      application: app,
      programme,
      rows: this.applications.answerRows(call, app, page.locale, contentFallbacks(page.tenant)),
      rules: this.applications.rules(call, app, 0).map((r) => ({ ...r, text: this.views.message(page.locale, r.reason) })),
      files: await this.applications.filesOf(page.tenant, app),
      comments: await this.screening.comments(page.tenant, app.id),
      ...extra,
    });
  }
}
