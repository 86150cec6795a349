import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { DomainError, type FieldProblem } from '../common/errors/domain-error.js';
import { formatNumber } from '../common/i18n/format.js';
import { progressLists } from './jury-progress.view.js';
import { resultsView } from './jury-results.view.js';
import type { Message } from '../common/i18n/message.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { checkForm } from '../common/web/forms.js';
import { editorLanguages } from '../common/i18n/localized.js';
import { ViewService } from '../common/web/view.service.js';
import { baseUrlOf, Page, type PageContext } from '../request-context/current.decorators.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import { AuthService } from '../auth/auth.service.js';
import { localizeProblems } from '../common/errors/validation.js';
import { fieldLabel } from '../common/errors/validation.js';
import { InviteMemberDto, JurySettingsDto, UpdateMemberDto } from './dto/jury.dto.js';
import { attempt, cutOffInfo, num, rowIndexes, settingsFromForm, settingsToForm, str, toFormRow, type Body_ } from './jury-form.js';
import { ApplicationsService } from '../applications/applications.service.js';
import { languageFields } from '../common/web/language-fields.js';
import { localizedText, type Localized } from '../common/i18n/localized.js';
import { JuryResultsService } from './jury-results.service.js';
import { JurySetupService } from './jury-setup.service.js';
import { settingsOf } from './jury.settings.js';

/** The staff page's success messages (`?saved=`). */
const SAVED = [
  'member',
  'memberUpdated',
  'memberRemoved',
  'invitationSent',
  'settings',
  'open',
  'close',
  'remind',
  'confirm',
  'announce',
  'withdrawn',
  'promoted',
];

/** The jury's staff page, server-rendered and usable without JavaScript: composition, settings, progress, results. */
@ApiExcludeController()
@Controller()
export class JuryStaffPagesController {
  constructor(
    private readonly setup: JurySetupService,
    private readonly juryResults: JuryResultsService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
    private readonly auth: AuthService,
    private readonly applications: ApplicationsService,
  ) {}

  /** `?saved=` says what was just done; `?remove=<member>` asks to confirm a member's removal. */
  @Get('staff/programmes/:programmeId/jury')
  @Roles(['staff'])
  async staffPage(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Query() query: Record<string, unknown>) {
    const saved = typeof query.saved === 'string' && SAVED.includes(query.saved) ? `jury.saved.${query.saved}` : null;
    return this.renderStaff(page, programmeId, { savedKey: saved, removeId: typeof query.remove === 'string' ? query.remove : null, query });
  }

  /** One member's organisation and weight (before the vote opens), from the small form of their row. */
  @Post('staff/programmes/:programmeId/jury/members/:memberId')
  @HttpCode(200)
  @Roles(['staff'])
  async updateMember(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('memberId') memberId: string,
    @Body() body: Body_,
    @Res() res: Response,
  ) {
    const prefix = `member.${memberId}`;
    const form = checkForm(UpdateMemberDto, { organisation: str(body.organisation), ...(str(body.weight) ? { weight: num(body.weight) } : {}) });
    let errors: FieldProblem[] = form.ok ? [] : form.errors.map((e) => ({ ...e, field: `${prefix}.${e.field}` }));
    let status = 400;
    if (form.ok) {
      // A refusal (the vote opened) is about the jury, not this field: it is shown at the members' list.
      const problem = await attempt(this.errors, page, 'members', () =>
        this.setup.updateMember(page.tenant, programmeId, memberId, form.value, page.principal!.userId),
      );
      if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=memberUpdated#member-${memberId}`);
      errors = [problem.error];
      status = problem.status;
    }
    return res.status(status).send(await this.renderStaff(page, programmeId, { errorList: errors, memberEdit: { id: memberId, ...body } }));
  }

  /** Removes a member before the vote opens, once the page asked to confirm it (`?remove=`). */
  @Post('staff/programmes/:programmeId/jury/members/:memberId/remove')
  @HttpCode(200)
  @Roles(['staff'])
  async removeMember(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('memberId') memberId: string, @Res() res: Response) {
    const problem = await attempt(this.errors, page, 'members', () => this.setup.removeMember(page.tenant, programmeId, memberId, page.principal!.userId));
    if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=memberRemoved#members-title`);
    return res.status(problem.status).send(await this.renderStaff(page, programmeId, { errorList: [problem.error] }));
  }

  /** E-mails a member a new invitation link (as the people page does), at most once a minute. */
  @Post('staff/programmes/:programmeId/jury/members/:memberId/invitation')
  @HttpCode(200)
  @Roles(['staff'])
  async resendInvitation(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('memberId') memberId: string,
    @Req() req: TremplinRequest,
    @Res() res: Response,
  ) {
    const { members } = await this.setup.overview(page.tenant, programmeId);
    const member = members.find((m) => m.id === memberId);
    if (!member) throw new DomainError('NOT_FOUND');
    const problem = await attempt(this.errors, page, `member.${memberId}.invitation`, () =>
      this.auth.resendInvitation(page.tenant, page.principal!.userId, member.userId, baseUrlOf(req)),
    );
    if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=invitationSent#member-${memberId}`);
    return res.status(problem.status).send(await this.renderStaff(page, programmeId, { errorList: [problem.error] }));
  }

  /** The confirmation step of closing the vote or announcing the results (the confirm form posts to jury/:action). */
  @Get('staff/programmes/:programmeId/jury/:action/confirm')
  @Roles(['staff'])
  async confirmStep(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('action') action: string) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const base = `/staff/programmes/${programmeId}/jury`;
    if (action === 'close') {
      const p = await this.juryResults.progress(page.tenant, programmeId);
      const unfinished = p.jurors.filter((j) => !j.complete).length;
      return confirmPage(this.views, page, {
        title: t('confirm.close.title'),
        consequences: [
          t('confirm.close.jurors', { count: p.jurors.length }),
          t('confirm.close.applications', { count: p.applications.length }),
          ...(unfinished ? [t('confirm.close.unfinished', { count: unfinished })] : []),
        ],
        action: `${base}/close`,
        confirmLabel: t('jury.closeVote'),
        cancel: base,
      });
    }
    if (action === 'announce') {
      const r = await this.juryResults.results(page.tenant, programmeId);
      const count = (status: string) => r.outcomes.filter((o) => o.status === status).length;
      return confirmPage(this.views, page, {
        title: t('confirm.announce.title'),
        consequences: [
          t('confirm.announce.outcomes', { laureates: count('laureate'), waiting: count('waiting'), others: count('not_selected') }),
          t('confirm.announce.emails', { count: r.outcomes.length }),
        ],
        action: `${base}/announce`,
        confirmLabel: t('jury.announce'),
        cancel: base,
      });
    }
    throw new DomainError('NOT_FOUND');
  }

  @Post('staff/programmes/:programmeId/jury/settings')
  @HttpCode(200)
  @Roles(['staff'])
  async saveSettings(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Body_, @Res() res: Response) {
    const { dto, problems, criteriaRows, quotaRows } = settingsFromForm(body, editorLanguages(page.tenant));
    const form = checkForm(JurySettingsDto, dto);
    // A refused value of the n-th criterion or quota is shown at the form row it came from.
    const atRow = (list: FieldProblem[]) => list.map((e) => ({ ...e, field: toFormRow(e.field, criteriaRows, quotaRows) }));
    const errors = [...problems, ...atRow(form.ok ? [] : form.errors)];
    if (!errors.length && form.ok) {
      const problem = await attempt(this.errors, page, 'method', () => this.setup.saveSettings(page.tenant, programmeId, form.value, page.principal!.userId));
      if (!problem) return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=settings`);
      errors.push(...(problem.fieldErrors.length ? atRow(problem.fieldErrors) : [problem.error]));
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
      const problem = await attempt(this.errors, page, 'email', () => this.setup.invite(page.tenant, programmeId, form.value, page.principal!.userId));
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
    const problem = await attempt(this.errors, page, action === 'confirm' ? 'justification' : 'actions', run[action]);
    if (problem)
      return res
        .status(problem.status)
        .send(
          await this.renderStaff(page, programmeId, { errorList: problem.fieldErrors.length ? problem.fieldErrors : [problem.error], confirmValues: body }),
        );
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/jury?saved=${action}`);
  }

  // ---- rendering ----

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

  private async renderStaff(page: PageContext, programmeId: string, extra: Record<string, unknown> = {}) {
    const o = await this.setup.overview(page.tenant, programmeId);
    const status = o.status;
    const progress =
      o.jury && status !== 'setup'
        ? progressLists(page, (key) => this.views.t(page.locale, key), programmeId, await this.juryResults.progress(page.tenant, programmeId), extra.query)
        : null;
    let results: Record<string, unknown> | null = null;
    if (status === 'closed') {
      const say = (e: Message | undefined) => (e ? this.views.messageHtml(page.locale, e) : '');
      results = resultsView(page.locale, await this.juryResults.results(page.tenant, programmeId), say);
    }
    // A member's field is named after the member in the error summary: "Claire Martin, Weight".
    const names = new Map(o.members.map((m) => [`member.${m.id}`, m.displayName]));
    const settings = settingsOf(o.jury);
    const rows = await this.settingsRows(page, programmeId, settings, extra.settingsValues as Body_ | undefined);
    const labelled = (list: FieldProblem[] | undefined) =>
      localizeProblems(list ?? [], page.locale, (field) => {
        const m = /^(member\.[^.]+)\.(\w+)$/.exec(field);
        if (m && names.has(m[1])) return `${names.get(m[1])}, ${fieldLabel(m[2], page.locale)}`;
        const r = /^(criteria|quotas)\.(\d+)\.(\w+)/.exec(field);
        const row = r ? (r[1] === 'criteria' ? rows.criteria : rows.quotas).find((x) => x.index === Number(r[2])) : undefined;
        return row ? `${row.name}, ${row.labels[r![3]] ?? r![3]}` : undefined;
      });
    const typed = extra.confirmValues as Body_ | undefined;
    const confirmForm = {
      laureates: typed ? str(typed.laureates) : results?.laureates,
      waitingList: typed ? str(typed.waitingList) : results?.waitingList,
      justification: typed ? str(typed.justification) : '',
    };
    const errorList = labelled(extra.errorList as FieldProblem[] | undefined);
    const errorOf = (field: string) => errorList.find((e) => e.field === field)?.message;
    return this.views.page('pages/jury/staff', page, {
      confirmForm,
      title: this.views.t(page.locale, 'jury.staffTitle'),
      programme: o.programme,
      jury: o.jury,
      status,
      method: o.method,
      members: o.members.map((m) => {
        const typed = (extra.memberEdit as (Body_ & { id: string }) | undefined)?.id === m.id ? (extra.memberEdit as Body_) : undefined;
        const prefix = `member.${m.id}`;
        return {
          ...m,
          prefix,
          organisationValue: typed ? str(typed.organisation) : m.organisation,
          weightValue: typed ? str(typed.weight) : formatNumber(m.weight, page.locale, 3),
          errors: { organisation: errorOf(`${prefix}.organisation`), weight: errorOf(`${prefix}.weight`), invitation: errorOf(`${prefix}.invitation`) },
        };
      }),
      removing: status === 'setup' ? (o.members.find((m) => m.id === extra.removeId) ?? null) : null,
      progress,
      results,
      settingsValues: settingsToForm(o.method, settings),
      cutOffInfo: cutOffInfo(o.method, settings),
      setup: status === 'setup',
      methods: ['favourites', 'scored_criteria', 'borda', 'pairwise'],
      ...extra,
      errorList,
      errors: Object.fromEntries(errorList.map((e) => [e.field, e.message])),
      criteriaRows: rows.criteria.map((r) => ({
        ...r,
        errors: {
          label: errorList.filter((e) => e.field.startsWith(`criteria.${r.index}.label`))[0]?.message,
          weight: errorOf(`criteria.${r.index}.weight`),
          min: errorOf(`criteria.${r.index}.min`),
          max: errorOf(`criteria.${r.index}.max`),
        },
      })),
      quotaRows: rows.quotas.map((r) => ({
        ...r,
        errors: { group: errorOf(`quotas.${r.index}.group`) ?? errorOf(`quotas.${r.index}.dimension`), min: errorOf(`quotas.${r.index}.min`) },
      })),
    });
  }

  /**
   * The criteria and quotas as rows of fields: what is stored (or what was just typed, shown again with
   * its errors), then one empty row to add one. Each row has a name for its error messages.
   */
  private async settingsRows(page: PageContext, programmeId: string, settings: ReturnType<typeof settingsOf>, typed: Body_ | undefined) {
    const t = (key: string, vars?: Record<string, unknown>) => this.views.t(page.locale, key, vars);
    const languages = editorLanguages(page.tenant);
    const fallbacks = languages;
    const criterionLabels: Record<string, string> = {
      label: t('jury.criterionLabel'),
      weight: t('jury.criterionWeight'),
      min: t('jury.criterionMin'),
      max: t('jury.criterionMax'),
    };
    const quotaLabels: Record<string, string> = { group: t('jury.quotaCategory'), dimension: t('jury.quotaCategory'), min: t('jury.quotaMin') };
    const criterion = (index: number, c: { id: string; label: Localized; weight: string; min: string; max: string; remove: boolean }, isNew: boolean) => {
      const name = `criteria.${index}`;
      const text = localizedText(c.label, page.locale, fallbacks);
      return {
        index,
        prefix: name,
        id: c.id,
        isNew,
        langs: languageFields(`${name}.label`, c.label, undefined, page.tenant, { required: true }),
        weight: c.weight,
        min: c.min,
        max: c.max,
        remove: c.remove,
        title: text || t('jury.newCriterion'),
        name: text ? t('jury.criterionNamed', { name: text }) : t('jury.newCriterion'),
        labels: criterionLabels,
      };
    };
    const criteria = typed
      ? rowIndexes(typed, 'criteria').map((i) => {
          const label: Localized = Object.fromEntries(languages.map((l) => [l, str(typed[`criteria.${i}.label.${l}`])]));
          const id = str(typed[`criteria.${i}.id`]);
          return criterion(
            i,
            {
              id,
              label,
              weight: str(typed[`criteria.${i}.weight`]),
              min: str(typed[`criteria.${i}.min`]),
              max: str(typed[`criteria.${i}.max`]),
              remove: typed[`criteria.${i}.remove`] === 'yes',
            },
            !id,
          );
        })
      : settings.criteria.map((c, i) =>
          criterion(
            i,
            {
              id: c.id,
              label: c.label,
              weight: String(c.weight),
              min: String(c.min),
              max: String(c.max),
              remove: false,
            },
            false,
          ),
        );
    const lastC = criteria[criteria.length - 1];
    if (!lastC || !lastC.isNew || lastC.langs.some((l) => l.value))
      criteria.push(criterion(lastC ? lastC.index + 1 : 0, { id: '', label: {}, weight: '1', min: '0', max: '5', remove: false }, true));
    // Quotas: a category of the call (by its label), or a group of another dimension kept as it is.
    const categories = (await this.applications.findCall(page.tenant.id, programmeId))?.categories ?? [];
    const quota = (index: number, q: { dimension: string; group: string; min: string; remove: boolean }) => {
      const category = categories.find((c) => c.key === q.group);
      const label = q.dimension === 'category' && category ? localizedText(category.label, page.locale, fallbacks) : q.group;
      return {
        index,
        prefix: `quotas.${index}`,
        dimension: q.dimension,
        isCategory: q.dimension === 'category',
        group: q.group,
        min: q.min,
        remove: q.remove,
        isNew: !q.group,
        options: categories.map((c) => ({ key: c.key, label: c.label, selected: c.key === q.group })),
        unknownGroup: q.dimension === 'category' && q.group && !category ? q.group : null,
        name: q.group ? t('jury.quotaNamed', { name: label }) : t('jury.newQuota'),
        labels: quotaLabels,
      };
    };
    const quotas = typed
      ? rowIndexes(typed, 'quotas').map((i) =>
          quota(i, {
            dimension: str(typed[`quotas.${i}.dimension`]) || 'category',
            group: str(typed[`quotas.${i}.group`]),
            min: str(typed[`quotas.${i}.min`]),
            remove: typed[`quotas.${i}.remove`] === 'yes',
          }),
        )
      : settings.quotas.map((q, i) => quota(i, { dimension: q.dimension, group: q.group, min: String(q.min), remove: false }));
    const lastQ = quotas[quotas.length - 1];
    if (!lastQ || !lastQ.isNew) quotas.push(quota(lastQ ? lastQ.index + 1 : 0, { dimension: 'category', group: '', min: '1', remove: false }));
    return { criteria, quotas };
  }
}
