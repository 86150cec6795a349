import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { contentFallbacks, localizedText } from '../common/i18n/localized.js';
import { Roles } from '../auth/roles.guard.js';
import { fieldProblem, DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { ViewService } from '../common/web/view.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { JuryVoteService } from './jury-vote.service.js';
import { attempt, list, num, str, type Body_ } from './jury-form.js';

/**
 * The jury's pages, server-rendered and usable without JavaScript: the juror's portal (list, reading,
 * conflict, ballot, private note). The staff page is JuryStaffPagesController's.
 */
@ApiExcludeController()
@Controller()
export class JuryPagesController {
  constructor(
    private readonly vote: JuryVoteService,
    private readonly programmes: ProgrammesService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
  ) {}

  // ---- jurors ----

  @Get('jury/programmes/:programmeId')
  @Roles(['juror'], 'programmeId')
  async portal(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    return this.renderPortal(page, programmeId);
  }

  @Post('jury/programmes/:programmeId/favourites')
  @HttpCode(200)
  @Roles(['juror'], 'programmeId')
  async favourites(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    const problem = await attempt(this.errors, page, 'favourites', () =>
      this.vote.setFavourites(page.tenant, programmeId, list(body.favourite), page.principal!),
    );
    if (problem) return res.status(problem.status).send(await this.renderPortal(page, programmeId, { errorList: [problem.error] }));
    return res.redirect(303, `${page.basePath}/jury/programmes/${programmeId}?saved=1`);
  }

  @Post('jury/programmes/:programmeId/ranking')
  @HttpCode(200)
  @Roles(['juror'], 'programmeId')
  async ranking(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    // Each application gets a position (blank: not ranked); equal positions keep the page's order.
    const entries = Object.entries(body)
      .filter(([k]) => k.startsWith('rank_'))
      .map(([k, v]) => ({ id: k.slice(5), rank: num(v) }))
      .filter((e): e is { id: string; rank: number } => e.rank !== undefined && Number.isFinite(e.rank));
    const ids = entries.sort((a, b) => a.rank - b.rank).map((e) => e.id);
    const problem = await attempt(this.errors, page, 'ranking', () => this.vote.setRanking(page.tenant, programmeId, ids, page.principal!));
    if (problem) return res.status(problem.status).send(await this.renderPortal(page, programmeId, { errorList: [problem.error] }));
    return res.redirect(303, `${page.basePath}/jury/programmes/${programmeId}?saved=1`);
  }

  @Get('jury/programmes/:programmeId/compare')
  @Roles(['juror'], 'programmeId')
  async comparePage(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    const programme = await this.programmes.get(page.tenant.id, programmeId);
    const pair = await this.vote.nextPairFor(page.tenant, programmeId, page.principal!);
    return this.views.page('pages/jury/compare', page, { title: this.views.t(page.locale, 'jury.compareTitle'), programme, pair });
  }

  @Post('jury/programmes/:programmeId/compare')
  @HttpCode(200)
  @Roles(['juror'], 'programmeId')
  async compare(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    const [first, second] = [str(body.first), str(body.second)];
    const winner = str(body.winner);
    if (winner !== first && winner !== second) throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem('winner', 'validation.oneOfTwo')]);
    await this.vote.compare(page.tenant, programmeId, winner, winner === first ? second : first, page.principal!);
    return res.redirect(303, `${page.basePath}/jury/programmes/${programmeId}/compare`);
  }

  @Get('jury/programmes/:programmeId/applications/:applicationId')
  @Roles(['juror'], 'programmeId')
  async read(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('applicationId') applicationId: string) {
    return this.renderApplication(page, programmeId, applicationId);
  }

  @Post('jury/programmes/:programmeId/applications/:applicationId/ballot')
  @HttpCode(200)
  @Roles(['juror'], 'programmeId')
  async ballot(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const m = await this.vote.mine(page.tenant, programmeId, page.principal!);
    const comment = str(body.comment).slice(0, 5000);
    let input: { scores?: Record<string, number>; picked?: boolean; comment: string };
    if (m.method === 'scored_criteria') {
      const scores: Record<string, number> = {};
      const errors: FieldProblem[] = [];
      for (const c of m.settings.criteria) {
        const v = num(body[`score_${c.id}`]);
        if (v === undefined || !Number.isFinite(v) || v < c.min || v > c.max) {
          errors.push({
            field: `score_${c.id}`,
            message: this.views.t(page.locale, 'jury.scoreRange', {
              label: localizedText(c.label, page.locale, contentFallbacks(page.tenant)) || c.id,
              min: c.min,
              max: c.max,
            }),
          });
        } else scores[c.id] = v;
      }
      if (errors.length) return res.status(400).send(await this.renderApplication(page, programmeId, applicationId, { errorList: errors, typed: body }));
      input = { scores, comment };
    } else if (m.method === 'favourites') {
      input = { picked: body.picked === 'yes', comment };
    } else {
      input = { comment };
    }
    const problem = await attempt(this.errors, page, 'ballot', () => this.vote.castBallot(page.tenant, programmeId, applicationId, input, page.principal!));
    if (problem)
      return res.status(problem.status).send(await this.renderApplication(page, programmeId, applicationId, { errorList: [problem.error], typed: body }));
    return res.redirect(303, `${page.basePath}/jury/programmes/${programmeId}/applications/${applicationId}?saved=ballot`);
  }

  @Post('jury/programmes/:programmeId/applications/:applicationId/note')
  @HttpCode(200)
  @Roles(['juror'], 'programmeId')
  async note(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const text = typeof body.note === 'string' ? body.note : '';
    if (text.length > 10_000) {
      const errors = [{ field: 'note', message: this.views.t(page.locale, 'jury.noteTooLong') }];
      return res.status(400).send(await this.renderApplication(page, programmeId, applicationId, { errorList: errors }));
    }
    await this.vote.saveNote(page.tenant, programmeId, applicationId, text, page.principal!);
    return res.redirect(303, `${page.basePath}/jury/programmes/${programmeId}/applications/${applicationId}?saved=note`);
  }

  @Post('jury/programmes/:programmeId/applications/:applicationId/conflict')
  @HttpCode(200)
  @Roles(['juror'], 'programmeId')
  async conflict(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('applicationId') applicationId: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    if (body.confirm !== 'yes') {
      const errors = [{ field: 'confirm', message: this.views.t(page.locale, 'jury.conflictConfirmRequired') }];
      return res.status(400).send(await this.renderApplication(page, programmeId, applicationId, { errorList: errors }));
    }
    await this.vote.declareConflict(page.tenant, programmeId, applicationId, str(body.reason).slice(0, 1000), page.principal!);
    return res.redirect(303, `${page.basePath}/jury/programmes/${programmeId}?saved=conflict`);
  }

  /** The confirmation step of withdrawing a conflict declared by mistake (before the vote opens). */
  @Get('jury/programmes/:programmeId/conflicts/:applicationId/withdraw')
  @Roles(['juror'], 'programmeId')
  async withdrawStep(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('applicationId') applicationId: string) {
    const m = await this.vote.mine(page.tenant, programmeId, page.principal!);
    const conflict = m.conflicts.find((c) => c.applicationId === applicationId);
    if (!conflict) throw new DomainError('NOT_FOUND');
    if (m.status !== 'setup') throw new DomainError('JURY_CONFLICT_WITHDRAWAL_CLOSED', { status: m.status });
    return this.views.page('pages/jury/withdraw-conflict', page, { title: this.views.t(page.locale, 'jury.withdrawTitle'), programme: m.programme, conflict });
  }

  @Post('jury/programmes/:programmeId/conflicts/:applicationId/withdraw')
  @HttpCode(200)
  @Roles(['juror'], 'programmeId')
  async withdraw(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('applicationId') applicationId: string, @Res() res: Response) {
    const problem = await attempt(this.errors, page, 'conflicts', () => this.vote.withdrawConflict(page.tenant, programmeId, applicationId, page.principal!));
    if (problem) return res.status(problem.status).send(await this.renderPortal(page, programmeId, { errorList: [problem.error] }));
    return res.redirect(303, `${page.basePath}/jury/programmes/${programmeId}?saved=conflictWithdrawn#conflicts-title`);
  }

  // ---- rendering ----

  private async renderPortal(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const m = await this.vote.mine(page.tenant, programmeId, page.principal!);
    const open = m.status === 'open';
    return this.views.page('pages/jury/portal', page, {
      title: this.views.t(page.locale, 'jury.portalTitle'),
      programme: m.programme,
      member: m.member,
      method: m.method,
      status: m.status,
      items: m.items,
      conflicts: m.conflicts,
      progress: m.progress,
      maxFavourites: m.settings.maxFavourites,
      blindReview: m.settings.blindReview,
      open,
      favouritesForm: open && m.method === 'favourites',
      rankingForm: open && m.method === 'borda',
      isFavourites: m.method === 'favourites',
      isScored: m.method === 'scored_criteria',
      isBorda: m.method === 'borda',
      isPairwise: m.method === 'pairwise',
      ...extra,
    });
  }

  private async renderApplication(page: PageContext, programmeId: string, applicationId: string, extra: { errorList?: FieldProblem[]; typed?: Body_ } = {}) {
    const r = await this.vote.readApplication(page.tenant, programmeId, applicationId, page.principal!, page.locale);
    const typed = extra.typed;
    const errors = Object.fromEntries((extra.errorList ?? []).map((e) => [e.field, e.message]));
    const criteria =
      r.method === 'scored_criteria'
        ? r.settings.criteria.map((c) => ({
            ...c,
            labelText: localizedText(c.label, page.locale, contentFallbacks(page.tenant)) || c.id,
            name: `score_${c.id}`,
            error: errors[`score_${c.id}`],
            value: typed ? str(typed[`score_${c.id}`]) : (r.ballot?.scores?.[c.id] ?? ''),
          }))
        : [];
    return this.views.page('pages/jury/application', page, {
      title: String(r.application.title || this.views.t(page.locale, 'apply.untitled')),
      programme: r.programme,
      application: r.application,
      rows: r.rows,
      method: r.method,
      open: r.status === 'open',
      status: r.status,
      blindReview: r.settings.blindReview,
      conflict: r.conflict,
      ballot: r.ballot,
      criteria,
      isScored: r.method === 'scored_criteria',
      isFavourites: r.method === 'favourites',
      picked: typed ? typed.picked === 'yes' : (r.ballot?.picked ?? false),
      comment: typed ? str(typed.comment) : (r.ballot?.comment ?? ''),
      note: r.note,
      errorList: extra.errorList,
      errors,
      attachments: r.attachments,
    });
  }
}
