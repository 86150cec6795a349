import { Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import type { Call } from './call.entity.js';
import { cleanLocalized, contentFallbacks, editorLanguages, localizedText, type Localized } from '../common/i18n/localized.js';
import { DomainError } from '../common/errors/domain-error.js';
import { localizeProblems } from '../common/errors/validation.js';
import { languageFields } from '../common/web/language-fields.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { pageErrors } from '../common/web/page-errors.js';
import { ViewService } from '../common/web/view.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { applyEditorAction, callFromState, callToState, stateFromBody, type CallEditorState, type QuestionRow } from './applications.forms.js';
import { QUESTION_KINDS, type Question } from './domain/form.js';
import { ApplicationsService } from './applications.service.js';
import { advisoryFailures, failedRules } from './domain/eligibility.js';
import { ruleText } from './call-rules.js';
import { checkFilter } from './dto/application-filter.dto.js';
import { CallDto } from './dto/call.dto.js';
import { ScreeningService } from './screening.service.js';
import type { Application } from './application.entity.js';
import { intlTagOf } from '../common/i18n/format.js';
import { listInMemory, type ListColumn } from '../common/web/list-view.js';

/** The desk's filters, kept by its sort and page links. */
const DESK_FILTERS = ['q', 'screening', 'status', 'category', 'commune', 'eligibility'] as const;
/** Screening sorts by what is left to do: pending first. */
const SCREENING_ORDER = ['pending', 'eligible', 'ineligible'];

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
    // A value the desk does not know (an old bookmark, a typo) is ignored, as on every staff list.
    const known = (v: string | undefined, values: readonly string[]) => (v && values.includes(v) ? v : undefined);
    const filter = checkFilter({
      status: known(query.status, ['submitted', 'withdrawn']),
      screening: known(query.screening, SCREENING_ORDER),
      eligibility: known(query.eligibility, ['passes', 'fails']),
      category: query.category,
      commune: query.commune,
      q: typeof query.q === 'string' ? query.q.slice(0, 200) : undefined,
    });
    const { rows } = await this.screening.list(page.tenant, programmeId, { ...filter, limit: 1000, offset: 0 });
    const t = (key: string) => this.views.t(page.locale, key);
    const fallbacks = contentFallbacks(page.tenant);
    type Row = Application & { failed: number; failures: Array<{ text: string; lang: string; advisory: boolean }> };
    const columns: ListColumn<Row>[] = [
      { key: 'receipt', label: t('apply.receiptNumber'), value: (r) => r.receiptNumber },
      { key: 'title', label: t('field.title'), value: (r) => r.title },
      { key: 'commune', label: t('field.commune'), value: (r) => r.commune },
      { key: 'goal', label: t('field.goalCents'), value: (r) => r.goalCents, numeric: true },
      { key: 'rules', label: t('desk.rules'), value: (r) => r.failed },
      { key: 'screening', label: t('desk.screening'), value: (r) => SCREENING_ORDER.indexOf(r.screening) },
    ];
    const list = listInMemory(
      rows.map((r): Row => ({
        ...r.application,
        failed: failedRules(r.rules).length,
        // The desk says which rules failed and why, so that an advisory failure is decided on from the list.
        failures: failedRules(r.rules).map((f) => ({ ...ruleText(f, page.locale, fallbacks), advisory: f.mode === 'advisory' })),
      })),
      columns,
      {
        path: `${page.basePath}/staff/programmes/${programmeId}/applications`,
        query,
        filters: DESK_FILTERS,
        defaultSort: 'receipt',
        defaultDir: 'asc',
        intlTag: intlTagOf(page.locale),
      },
    );
    return this.views.page('pages/staff/desk', page, {
      title: t('desk.title'),
      programme,
      call,
      filter: query,
      filtered: DESK_FILTERS.some((k) => query[k]),
      ...list,
      rows: list.items,
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
  async callEditor(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query('saved') saved?: string) {
    const programme = await this.programmes.get(page.tenant.id, programmeId);
    const call = await this.applications.findCall(page.tenant.id, programmeId);
    return this.views.page('pages/staff/call', page, {
      ...(await this.callEditorView(page, programme, call, callToState(call, page.tenant.timeZone), [])),
      savedKey: saved === '1' ? 'call.saved' : undefined,
    });
  }

  /**
   * Every button of the editor posts the whole form: "save" (the default, also what Enter does)
   * stores it and comes back with a notice; "add" and an option row's button show the form again
   * with the new empty rows, saved by the next "save"; moving a question saves the new order.
   */
  @Post('staff/programmes/:programmeId/call')
  @HttpCode(200)
  @Roles(['staff'])
  async saveCall(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const programme = await this.programmes.get(page.tenant.id, programmeId);
    const call = await this.applications.findCall(page.tenant.id, programmeId);
    const languages = editorLanguages(page.tenant);
    const state = stateFromBody(body, languages);
    const action = typeof body.action === 'string' ? body.action : 'save';
    applyEditorAction(state, action, typeof body.newKind === 'string' ? body.newKind : '');
    const again = async (status: number, problems: FieldProblem[], rows?: RowMaps, notice?: string) =>
      res
        .status(status)
        .send(this.views.page('pages/staff/call', page, { ...(await this.callEditorView(page, programme, call, state, problems, rows)), noticeKey: notice }));
    if (action === 'add' || action.startsWith('option.')) return again(200, [], undefined, action === 'add' ? 'call.questionAdded' : 'call.optionAdded');
    const { dto, problems, rowOf, categoryRowOf, communeRowOf } = callFromState(state, page.tenant.timeZone, languages);
    const rows: RowMaps = { rowOf, categoryRowOf, communeRowOf };
    if (problems.length) return again(400, problems, rows);
    const form = checkForm(CallDto, dto);
    if (!form.ok) return again(400, form.errors, rows);
    try {
      await this.applications.setCall(page.tenant, programmeId, form.value, page.principal!.userId);
    } catch (err) {
      if (!(err instanceof DomainError) || !err.fieldErrors.length) {
        const problem = pageErrors(this.errors, err, { locale: page.locale });
        return again(problem.status, problem.errorList, rows);
      }
      // A change that would invalidate submitted applications is a 409, a bad field a 400: said next to the question.
      return again(this.errors.describe(err.code)?.status ?? 400, err.fieldErrors, rows);
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/call?saved=1${/^(up|down)\./.test(action) ? `#q-${movedTo(action)}` : ''}`);
  }

  // ---- rendering ----

  /**
   * The editor's rows and their problems: `form.<n>...` (the n-th kept question) and `form.<key>`
   * (the open-call rule) next to their question, `categories.<n>` and `territory.<n>` next to their row.
   */
  private async callEditorView(page: PageContext, programme: unknown, call: Call | null, state: CallEditorState, problems: FieldProblem[], rows?: RowMaps) {
    const tenant = page.tenant;
    const locked = call ? await this.applications.hasApplications(tenant.id, call.programmeId) : false;
    const storedKeys = new Set((call?.form ?? []).map((q) => q.key));
    const fallbacks = contentFallbacks(tenant);
    const questionName = (row: QuestionRow | undefined) => (row ? localizedText(row.label, page.locale, fallbacks) || row.key : undefined);
    const placed: Array<{ area: 'q' | 'cat' | 'com' | null; row: number; problem: FieldProblem }> = problems.map((p) => {
      const parts = p.field.split('.');
      const n = Number(parts[1]);
      if (parts[0] === 'form' && parts.length > 1) {
        if (/^\d+$/.test(parts[1]) && rows?.rowOf[n] !== undefined) return { area: 'q', row: rows.rowOf[n], problem: p };
        const byKey = state.questions.findIndex((q) => q.key === parts[1]);
        if (byKey >= 0) return { area: 'q', row: byKey, problem: p };
      }
      if (parts[0] === 'categories' && rows?.categoryRowOf[n] !== undefined) return { area: 'cat', row: rows.categoryRowOf[n], problem: p };
      if (parts[0] === 'territory' && rows?.communeRowOf[n] !== undefined) return { area: 'com', row: rows.communeRowOf[n], problem: p };
      return { area: null, row: -1, problem: p };
    });
    const messageOf = (x: (typeof placed)[number]) =>
      localizeProblems([x.problem], page.locale, x.area === 'q' ? () => questionName(state.questions[x.row]) : undefined)[0];
    const at = (area: 'q' | 'cat' | 'com', row: number) => placed.filter((x) => x.area === area && x.row === row).map((x) => messageOf(x).message);
    const errorList = placed.map((x) => {
      const message = messageOf(x).message;
      return x.area ? { field: `${x.area}-${x.row}`, message } : { field: x.problem.field, message };
    });
    const globalErrors = errorMap(placed.filter((x) => !x.area).map((x) => messageOf(x)));
    const fields = (name: string, value: Localized, required = false) => languageFields(name, value, undefined, tenant, { required });
    const kindLabel = (kind: string) => this.views.t(page.locale, `call.kind.${kind}`);
    const questions = state.questions.map((q, i) => ({
      index: i,
      n: i + 1,
      kind: q.kind,
      kindLabel: kindLabel(q.kind),
      key: q.key,
      keyLocked: locked && storedKeys.has(q.key),
      label: fields(`q.${i}.label`, q.label, true),
      help: fields(`q.${i}.help`, q.help),
      required: q.required,
      isText: q.kind === 'short_text' || q.kind === 'long_text',
      isNumber: q.kind === 'number',
      isChoice: q.kind === 'single_choice' || q.kind === 'multiple_choice',
      isFile: q.kind === 'file',
      maxLength: q.maxLength,
      min: q.min,
      max: q.max,
      maxSizeMb: q.maxSizeMb,
      acceptPdf: q.accept.includes('pdf'),
      acceptImage: q.accept.includes('image'),
      options: [...q.options, ...(q.kind === 'single_choice' || q.kind === 'multiple_choice' ? [{ key: '', label: {}, remove: false }] : [])].map((o, j) => ({
        index: j,
        n: j + 1,
        key: o.key,
        keyLocked: locked && !!call?.form.find((x) => x.key === q.key)?.options?.some((x) => x.key === o.key),
        label: fields(`q.${i}.opt.${j}.label`, o.label),
        remove: o.remove,
        isNew: !o.key && !Object.keys(cleanLocalized(o.label)).length,
      })),
      remove: q.remove,
      first: i === 0,
      last: i === state.questions.length - 1,
      errors: at('q', i),
    }));
    const categories = [...state.categories, { key: '', label: {}, remove: false }].map((c, i) => ({
      index: i,
      n: i + 1,
      key: c.key,
      label: fields(`cat.${i}.label`, c.label),
      remove: c.remove,
      isNew: i === state.categories.length,
      errors: at('cat', i),
    }));
    const communes = [...state.communes, ...Array.from({ length: 3 }, () => ({ postcode: '', name: '', remove: false }))].map((c, i) => ({
      index: i,
      n: i + 1,
      ...c,
      isNew: i >= state.communes.length,
      errors: at('com', i),
    }));
    return {
      title: this.views.t(page.locale, 'call.title'),
      programme,
      hasCall: !!call,
      values: state.fields,
      errors: globalErrors,
      errorList,
      questions,
      locked,
      categories,
      communes,
      kinds: QUESTION_KINDS.map((k) => ({ value: k, label: kindLabel(k) })),
      preview: (call?.form ?? []).map((q) => previewQuestion(q)),
    };
  }

  private async renderReview(page: PageContext, id: string, extra: Record<string, unknown> = {}) {
    const app = await this.applications.view(page.tenant, id, page.principal!);
    // An application imported without its call (a programme set up by the API) still opens, without the call's rows.
    const call = await this.applications.findCall(page.tenant.id, app.programmeId);
    const programme = await this.programmes.get(page.tenant.id, app.programmeId);
    const results = call ? await this.applications.eligibility(page.tenant, call, app) : [];
    return this.views.page('pages/staff/review', page, {
      title: app.title || this.views.t(page.locale, 'apply.untitled'),
      application: app,
      programme,
      rows: call ? this.applications.answerRows(call, app, page.locale, contentFallbacks(page.tenant)) : [],
      rules: results.map((r) => ({ ...r, ...ruleText(r, page.locale, contentFallbacks(page.tenant)), advisory: r.mode === 'advisory' })),
      advisoryFailed: advisoryFailures(results).length,
      files: await this.applications.filesOf(page.tenant, app),
      comments: await this.screening.comments(page.tenant, app.id),
      ...extra,
    });
  }
}

interface RowMaps {
  rowOf: number[];
  categoryRowOf: number[];
  communeRowOf: number[];
}

/** A stored question as the applicant's `question` partial shows it, empty and read-only. */
function previewQuestion(q: Question) {
  return {
    ...q,
    name: `preview_${q.key}`,
    preview: true,
    field: `preview.${q.key}`,
    value: '',
    options: (q.options ?? []).map((o) => ({ key: o.key, label: o.label, checked: false })),
    isText: q.kind === 'short_text' || q.kind === 'url' || q.kind === 'number',
    isLong: q.kind === 'long_text',
    isChoice: q.kind === 'single_choice',
    isMulti: q.kind === 'multiple_choice',
    isYesNo: q.kind === 'yes_no',
    isFile: q.kind === 'file',
    inputType: q.kind === 'url' ? 'url' : 'text',
    inputMode: q.kind === 'number' ? 'decimal' : undefined,
  };
}

/** Where a moved question is after "up.3" or "down.3". */
function movedTo(action: string): number {
  const [dir, at] = action.split('.');
  return Number(at) + (dir === 'up' ? -1 : 1);
}
