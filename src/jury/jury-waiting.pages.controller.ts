import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { DomainError } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { localizeProblems } from '../common/errors/validation.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { ViewService } from '../common/web/view.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { attempt, str, type Body_ } from './jury-form.js';
import { JuryWaitingListService } from './jury-waiting.service.js';

/**
 * Staff pages for the laureates once announced: withdraw one (a form that is its own confirmation page:
 * what happens, the reason, the button) and promote the next on the waiting list (a confirmation naming who).
 */
@ApiExcludeController()
@Controller()
export class JuryWaitingPagesController {
  constructor(
    private readonly waiting: JuryWaitingListService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
  ) {}

  @Get('staff/programmes/:programmeId/jury/laureates/:applicationId/withdraw')
  @Roles(['staff'])
  async withdrawPage(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('applicationId') applicationId: string) {
    return this.renderWithdraw(page, programmeId, applicationId, {});
  }

  @Post('staff/programmes/:programmeId/jury/laureates/:applicationId/withdraw')
  @HttpCode(200)
  @Roles(['staff'])
  async withdraw(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const dto = { reason: str(body.reason), byLaureate: str(body.byLaureate) === 'yes' };
    const problem = await attempt(this.errors, page, 'reason', () =>
      this.waiting.withdraw(page.tenant, programmeId, applicationId, dto, page.principal!.userId),
    );
    if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=withdrawn#laureate-changes`);
    const errorList = problem.fieldErrors.length ? problem.fieldErrors : [problem.error];
    return res.status(problem.status).send(await this.renderWithdraw(page, programmeId, applicationId, { body, errorList }));
  }

  @Get('staff/programmes/:programmeId/jury/waiting-list/promote')
  @Roles(['staff'])
  async promotePage(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    const next = await this.waiting.preview(page.tenant, programmeId);
    if (!next) throw new DomainError('JURY_NO_OPEN_PLACE');
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    return confirmPage(this.views, page, {
      title: t('jury.promoteTitle'),
      consequences: [t('jury.promoteWho', { receipt: next.receipt ?? '', position: next.position }), t('jury.promoteEmail')],
      action: `/staff/programmes/${programmeId}/jury/waiting-list/promote`,
      confirmLabel: t('jury.promote'),
      cancel: `/staff/programmes/${programmeId}/jury`,
    });
  }

  @Post('staff/programmes/:programmeId/jury/waiting-list/promote')
  @HttpCode(200)
  @Roles(['staff'])
  async promote(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Res() res: Response) {
    const problem = await attempt(this.errors, page, 'actions', () => this.waiting.promote(page.tenant, programmeId, page.principal!.userId));
    if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=promoted#laureate-changes`);
    return res.status(problem.status).send(
      this.views.page('pages/jury/withdraw', page, {
        title: this.views.t(page.locale, 'jury.promoteTitle'),
        errorList: [problem.error],
        backHref: `${page.basePath}/staff/programmes/${programmeId}/jury`,
        onlyErrors: true,
      }),
    );
  }

  private async renderWithdraw(
    page: PageContext,
    programmeId: string,
    applicationId: string,
    extra: { body?: Body_; errorList?: Array<{ field: string; message: string }> },
  ) {
    const laureate = await this.waiting.laureate(page.tenant, programmeId, applicationId);
    const errorList = localizeProblems(extra.errorList ?? [], page.locale);
    return this.views.page('pages/jury/withdraw', page, {
      title: this.views.t(page.locale, 'jury.withdrawLaureateTitle'),
      laureate,
      action: `${page.basePath}/staff/programmes/${programmeId}/jury/laureates/${applicationId}/withdraw`,
      backHref: `${page.basePath}/staff/programmes/${programmeId}/jury`,
      values: { reason: extra.body ? str(extra.body.reason) : '', byLaureate: extra.body ? str(extra.body.byLaureate) === 'yes' : false },
      errorList,
      errors: Object.fromEntries(errorList.map((e) => [e.field, e.message])),
    });
  }
}
