import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { checkForm } from '../common/web/forms.js';
import { ViewService } from '../common/web/view.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { InviteMemberDto, JurySettingsDto } from './dto/jury.dto.js';
import { JuryResultsService } from './jury-results.service.js';
import { JurySetupService } from './jury-setup.service.js';
import { settingsOf, type JurySettings } from './jury.settings.js';
import { JuryVoteService } from './jury-vote.service.js';

type Body_ = Record<string, string | string[] | undefined>;
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);
const num = (v: unknown) => {
  const s = str(v).replace(',', '.');
  return s === '' ? undefined : Number(s);
};

/**
 * The jury's pages, server-rendered and usable without JavaScript: the juror's portal (list, reading,
 * conflict, ballot, private note) and the staff page (composition, settings, progress, results).
 */
@ApiExcludeController()
@Controller()
export class JuryPagesController {
  constructor(
    private readonly setup: JurySetupService,
    private readonly vote: JuryVoteService,
    private readonly juryResults: JuryResultsService,
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
    const problem = await this.attempt(page, 'favourites', () => this.vote.setFavourites(page.tenant, programmeId, list(body.favourite), page.principal!));
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
    const problem = await this.attempt(page, 'ranking', () => this.vote.setRanking(page.tenant, programmeId, ids, page.principal!));
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
    if (winner !== first && winner !== second) throw new DomainError('VALIDATION_FAILED', {}, [{ field: 'winner', message: 'choose one of the two' }]);
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
            message: this.views.t(page.locale, 'jury.scoreRange', { label: page.locale === 'fr' ? c.labelFr : c.labelEn, min: c.min, max: c.max }),
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
    const problem = await this.attempt(page, 'ballot', () => this.vote.castBallot(page.tenant, programmeId, applicationId, input, page.principal!));
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

  // ---- staff ----

  @Get('staff/programmes/:programmeId/jury')
  @Roles(['staff'])
  async staffPage(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    return this.renderStaff(page, programmeId);
  }

  @Post('staff/programmes/:programmeId/jury/settings')
  @HttpCode(200)
  @Roles(['staff'])
  async saveSettings(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    const { dto, problems } = settingsFromForm(body);
    const form = checkForm(JurySettingsDto, dto);
    const errors = [...problems, ...(form.ok ? [] : form.errors)];
    if (!errors.length && form.ok) {
      const problem = await this.attempt(page, 'method', () => this.setup.saveSettings(page.tenant, programmeId, form.value, page.principal!.userId));
      if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=settings`);
      errors.push(...(problem.fieldErrors.length ? problem.fieldErrors : [problem.error]));
    }
    return res.status(400).send(await this.renderStaff(page, programmeId, { errorList: errors, settingsValues: body }));
  }

  @Post('staff/programmes/:programmeId/jury/members')
  @HttpCode(200)
  @Roles(['staff'])
  async invite(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    const form = checkForm(InviteMemberDto, {
      email: str(body.email),
      displayName: str(body.displayName),
      organisation: str(body.organisation),
      ...(str(body.weight) ? { weight: num(body.weight) } : {}),
    });
    let errors: FieldProblem[] = form.ok ? [] : form.errors;
    if (form.ok) {
      const problem = await this.attempt(page, 'email', () => this.setup.invite(page.tenant, programmeId, form.value, page.principal!.userId));
      if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=member`);
      errors = [problem.error];
    }
    return res.status(400).send(await this.renderStaff(page, programmeId, { errorList: errors, memberValues: body }));
  }

  @Post('staff/programmes/:programmeId/jury/:action')
  @HttpCode(200)
  @Roles(['staff'])
  async act(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('action') action: string, @Body() body: Body_, @Res() res: Response) {
    const actor = page.principal!.userId;
    const run: Record<string, () => Promise<unknown>> = {
      open: () => this.setup.openVote(page.tenant, programmeId, actor),
      close: () => this.juryResults.closeVote(page.tenant, programmeId, actor),
      remind: () => this.juryResults.remind(page.tenant, programmeId, actor),
      confirm: () => this.confirmFromForm(page, programmeId, body),
      announce: () => this.juryResults.announce(page.tenant, programmeId, actor),
    };
    if (!run[action]) throw new DomainError('NOT_FOUND');
    const problem = await this.attempt(page, action === 'confirm' ? 'justification' : 'actions', run[action]);
    if (problem)
      return res
        .status(problem.status)
        .send(
          await this.renderStaff(page, programmeId, { errorList: problem.fieldErrors.length ? problem.fieldErrors : [problem.error], confirmValues: body }),
        );
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=${action}`);
  }

  // ---- rendering ----

  /** Runs a change; a domain error becomes a message for the page (in its language) instead of an error page. */
  private async attempt(
    page: PageContext,
    field: string,
    work: () => Promise<unknown>,
  ): Promise<{ status: number; error: FieldProblem; fieldErrors: FieldProblem[] } | null> {
    // Field errors are shown as such only for validation (they name the field); other codes get their sentence.
    try {
      await work();
      return null;
    } catch (err) {
      const desc = err instanceof DomainError ? this.errors.describe(err.code) : undefined;
      if (!(err instanceof DomainError) || !desc || ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED'].includes(err.code)) throw err;
      const fieldErrors = err.code === 'VALIDATION_FAILED' ? err.fieldErrors : [];
      return { status: desc.status, error: { field, message: this.errors.message(err, page.locale) }, fieldErrors };
    }
  }

  private async confirmFromForm(page: PageContext, programmeId: string, body: Body_) {
    const { apps } = await this.juryResults.results(page.tenant, programmeId);
    const byReceipt = new Map(apps.map((a) => [a.receiptNumber ?? a.id, a.id]));
    const ids = (field: string) => {
      const tokens = str(body[field])
        .split(/[\s,;]+/)
        .filter(Boolean);
      const unknown = tokens.filter((t) => !byReceipt.has(t));
      if (unknown.length)
        throw new DomainError('VALIDATION_FAILED', {}, [{ field, message: this.views.t(page.locale, 'jury.unknownReceipts', { list: unknown.join(', ') }) }]);
      return tokens.map((t) => byReceipt.get(t)!);
    };
    return this.juryResults.confirm(
      page.tenant,
      programmeId,
      {
        laureates: ids('laureates'),
        waitingList: ids('waitingList'),
        justification: str(body.justification),
      },
      page.principal!.userId,
    );
  }

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
            label: page.locale === 'fr' ? c.labelFr : c.labelEn,
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

  private async renderStaff(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const o = await this.setup.overview(page.tenant, programmeId);
    const status = o.status;
    const progress = o.jury && status !== 'setup' ? await this.juryResults.progress(page.tenant, programmeId) : null;
    let results: Record<string, unknown> | null = null;
    if (status === 'closed') {
      const r = await this.juryResults.results(page.tenant, programmeId);
      const byApp = new Map(r.apps.map((a) => [a.id, a]));
      const receipt = (id: string) => byApp.get(id)?.receiptNumber ?? id;
      const scores = new Map(r.tally.result.scores.map((s) => [s.applicationId, s]));
      const outcome = new Map(r.outcomes.map((x) => [x.applicationId, x]));
      const lang = page.locale;
      results = {
        explanation: r.tally.selection.explanation[lang],
        rows: r.tally.selection.entries.map((e) => ({
          ...e,
          title: byApp.get(e.applicationId)?.title ?? '',
          receipt: receipt(e.applicationId),
          scoreText: Number(e.score.toFixed(4)).toLocaleString(lang),
          method: scores.get(e.applicationId)?.explanation[lang] ?? '',
          selection: e.explanation[lang],
          outcome: outcome.get(e.applicationId)?.status ?? null,
        })),
        unranked: r.tally.result.unranked.map((u) => ({
          receipt: receipt(u.applicationId),
          title: byApp.get(u.applicationId)?.title ?? '',
          explanation: u.explanation[lang],
        })),
        boundaryTies: r.tally.selection.boundaryTies.map((b) => b.explanation[lang]),
        unmetQuotas: r.tally.selection.unmetQuotas.map((q) => q.explanation[lang]),
        laureates: (r.outcomes.length ? r.outcomes.filter((x) => x.status === 'laureate').map((x) => x.applicationId) : r.tally.selection.laureates)
          .map(receipt)
          .join('\n'),
        waitingList: (r.outcomes.length
          ? r.outcomes
              .filter((x) => x.status === 'waiting')
              .sort((a, b) => a.waitingPosition! - b.waitingPosition!)
              .map((x) => x.applicationId)
          : r.tally.selection.waitingList
        )
          .map(receipt)
          .join('\n'),
      };
    }
    const settings = settingsOf(o.jury);
    const typed = extra.confirmValues as Body_ | undefined;
    const confirmForm = {
      laureates: typed ? str(typed.laureates) : results?.laureates,
      waitingList: typed ? str(typed.waitingList) : results?.waitingList,
      justification: typed ? str(typed.justification) : '',
    };
    return this.views.page('pages/jury/staff', page, {
      confirmForm,
      title: this.views.t(page.locale, 'jury.staffTitle'),
      programme: o.programme,
      jury: o.jury,
      status,
      method: o.method,
      members: o.members,
      progress,
      results,
      settingsValues: settingsToForm(o.method, settings),
      setup: status === 'setup',
      methods: ['favourites', 'scored_criteria', 'borda', 'pairwise'],
      ...extra,
      errors: Object.fromEntries(((extra.errorList as FieldProblem[] | undefined) ?? []).map((e) => [e.field, e.message])),
    });
  }
}

/** The settings form's text fields (criteria and quotas as lines) back into the API's shape. */
export function settingsFromForm(body: Body_): { dto: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const lines = (s: unknown) =>
    str(s)
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  const criteria = lines(body.criteria).map((l, i) => {
    const [id, labelFr, labelEn, weight, min, max] = l.split('|').map((x) => x.trim());
    if (!id || !labelFr) problems.push({ field: 'criteria', message: `line ${i + 1}: write "id | Libellé | Label | weight | min | max"` });
    return { id, labelFr, labelEn: labelEn || labelFr, weight: num(weight) ?? 1, min: num(min) ?? 0, max: num(max) ?? 5 };
  });
  const quotas = lines(body.quotas).map((l, i) => {
    const [dimension, group, min] = l.split('|').map((x) => x.trim());
    if (!dimension || !group) problems.push({ field: 'quotas', message: `line ${i + 1}: write "category | group | minimum"` });
    return { dimension, group, min: num(min) ?? 1 };
  });
  const dto: Record<string, unknown> = {
    method: str(body.method),
    criteria,
    normalisation: body.normalisation === 'z_score' ? 'z_score' : 'none',
    quorum: num(body.quorum) ?? 1,
    maxFavourites: num(body.maxFavourites) ?? 10,
    blindReview: body.blindReview === 'yes',
    laureates: num(body.laureates) ?? 10,
    waitingList: num(body.waitingList) ?? 0,
    quotas,
  };
  if (num(body.jurorsPerApplication) !== undefined) dto.jurorsPerApplication = num(body.jurorsPerApplication);
  if (num(body.cutOff) !== undefined) dto.cutOff = num(body.cutOff);
  return { dto, problems };
}

function settingsToForm(method: string, s: JurySettings): Record<string, string> {
  return {
    method,
    normalisation: s.normalisation,
    quorum: String(s.quorum),
    maxFavourites: String(s.maxFavourites),
    blindReview: s.blindReview ? 'yes' : '',
    jurorsPerApplication: s.jurorsPerApplication === null ? '' : String(s.jurorsPerApplication),
    laureates: String(s.laureates),
    waitingList: String(s.waitingList),
    cutOff: s.cutOff === null ? '' : String(s.cutOff),
    criteria: s.criteria.map((c) => `${c.id} | ${c.labelFr} | ${c.labelEn} | ${c.weight} | ${c.min} | ${c.max}`).join('\n'),
    quotas: s.quotas.map((q) => `${q.dimension} | ${q.group} | ${q.min}`).join('\n'),
  };
}
