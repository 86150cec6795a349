import { Body, Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Roles } from '../auth/roles.guard.js';
import { DomainError, fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { ErrorMessages } from '../common/errors/error-messages.js';
import { localizeProblems } from '../common/errors/validation.js';
import { contentFallbacks, editorLanguages, localizedText } from '../common/i18n/localized.js';
import { confirmPage } from '../common/web/confirm-page.js';
import { checkForm, errorMap } from '../common/web/forms.js';
import { languageFields } from '../common/web/language-fields.js';
import { pageErrors } from '../common/web/page-errors.js';
import { ViewService } from '../common/web/view.service.js';
import { ProgrammesService } from '../programmes/programmes.service.js';
import { Page, type PageContext } from '../request-context/current.decorators.js';
import { ApplicationsService } from './applications.service.js';
import type { Call } from './call.entity.js';
import { CallRulesService } from './call-rules.service.js';
import { choicesOf, conditionChoices, describeRule, ruleFromForm, ruleQuestions, ruleToValues, type RuleFormValues } from './call-rules.view.js';
import { BUILTIN_RULES } from './domain/eligibility.js';
import { operatorValueKind, RULE_MODES, RULE_OPERATORS } from './domain/rules.js';
import { QuestionRuleDto, RuleModesDto } from './dto/call.dto.js';

/**
 * The call builder's rules page: each fixed rule blocking or advisory, and the rules written on the
 * form's questions, added, edited and removed (after a confirmation) one at a time, without JavaScript.
 */
@ApiExcludeController()
@Controller()
export class CallRulesPagesController {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly rules: CallRulesService,
    private readonly programmes: ProgrammesService,
    private readonly views: ViewService,
    private readonly errors: ErrorMessages,
  ) {}

  @Get('staff/programmes/:programmeId/call/rules')
  @Roles(['staff'])
  async list(@Page() page: PageContext, @Param('programmeId') programmeId: string) {
    return this.renderList(page, programmeId);
  }

  @Post('staff/programmes/:programmeId/call/rules')
  @HttpCode(200)
  @Roles(['staff'])
  async saveModes(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Body() body: Record<string, unknown>, @Res() res: Response) {
    const modes = Object.fromEntries(BUILTIN_RULES.map((r) => [r, body[`mode.${r}`]]).filter(([, v]) => typeof v === 'string' && v));
    const form = checkForm(RuleModesDto, modes);
    if (!form.ok)
      return res.status(400).send(
        await this.renderList(
          page,
          programmeId,
          form.errors.map((p) => ({ ...p, field: `mode.${p.field}` })),
        ),
      );
    await this.rules.setModes(page.tenant, programmeId, form.value, page.principal!.userId);
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/call/rules?saved=modes`);
  }

  /** The form of a rule: `new` for a new one. */
  @Get('staff/programmes/:programmeId/call/rules/:ruleId')
  @Roles(['staff'])
  async editor(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('ruleId') ruleId: string) {
    const { programme, call } = await this.load(page, programmeId);
    const rule = ruleId === 'new' ? undefined : call.rules.find((r) => r.id === ruleId);
    if (ruleId !== 'new' && !rule) throw new DomainError('NOT_FOUND');
    return this.renderEditor(page, programme, call, ruleId, ruleToValues(call, rule), []);
  }

  /** "Choose this question" shows the form again with that question's values; "save" stores the rule. */
  @Post('staff/programmes/:programmeId/call/rules/:ruleId')
  @HttpCode(200)
  @Roles(['staff'])
  async saveRule(
    @Page() page: PageContext,
    @Param('programmeId') programmeId: string,
    @Param('ruleId') ruleId: string,
    @Body() body: Record<string, unknown>,
    @Res() res: Response,
  ) {
    const { programme, call } = await this.load(page, programmeId);
    if (ruleId !== 'new' && !call.rules.some((r) => r.id === ruleId)) throw new DomainError('NOT_FOUND');
    const languages = editorLanguages(page.tenant);
    const { dto, problems } = ruleFromForm(call, body, languages);
    const typed = {
      ...ruleToValues(call, undefined),
      field: dto.field as string,
      operator: dto.operator as string,
      value: typeof body.value === 'string' ? body.value : '',
      values: Array.isArray(body.values) ? body.values.map(String) : typeof body.values === 'string' ? [body.values] : [],
      when: typeof body.when === 'string' ? body.when : '',
      message: dto.message as Record<string, string>,
      mode: String(dto.mode ?? ''),
    };
    const again = (status: number, list: FieldProblem[]) => res.status(status).send(this.renderEditor(page, programme, call, ruleId, typed, list));
    if (body.action === 'pick') return again(200, []);
    const form = checkForm(QuestionRuleDto, dto);
    // Every problem at once: the form's own (a value that is not a number) and the API's (no message).
    const dtoProblems = form.ok ? [] : form.errors.map((p) => renamed(p, `rule.${p.field.split('.')[0]}`));
    const all = [...problems, ...dtoProblems.filter((p) => !problems.some((x) => x.field === p.field))];
    if (all.length || !form.ok) return again(400, all);
    try {
      await this.rules.saveRule(page.tenant, programmeId, { ...form.value, id: ruleId === 'new' ? undefined : ruleId }, page.principal!.userId);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION_FAILED') return again(400, err.fieldErrors);
      const problem = pageErrors(this.errors, err, { locale: page.locale });
      return again(problem.status, problem.errorList);
    }
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/call/rules?saved=rule`);
  }

  @Get('staff/programmes/:programmeId/call/rules/:ruleId/remove')
  @Roles(['staff'])
  async confirmRemove(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('ruleId') ruleId: string) {
    const { call } = await this.load(page, programmeId);
    const rule = call.rules.find((r) => r.id === ruleId);
    if (!rule) throw new DomainError('NOT_FOUND');
    const t = (key: string, values?: Record<string, unknown>) => this.views.t(page.locale, key, values);
    const back = `/staff/programmes/${programmeId}/call/rules`;
    return confirmPage(this.views, page, {
      title: t('rules.removeTitle'),
      consequences: [describeRule(call, rule, t, page.locale, contentFallbacks(page.tenant)), t('rules.removeConsequence', { mode: rule.mode })],
      action: `${back}/${ruleId}/remove`,
      confirmLabel: t('rules.removeConfirm'),
      cancel: back,
    });
  }

  @Post('staff/programmes/:programmeId/call/rules/:ruleId/remove')
  @HttpCode(200)
  @Roles(['staff'])
  async remove(@Page() page: PageContext, @Param('programmeId') programmeId: string, @Param('ruleId') ruleId: string, @Res() res: Response) {
    await this.rules.removeRule(page.tenant, programmeId, ruleId, page.principal!.userId);
    return res.redirect(303, `${page.basePath}/staff/programmes/${programmeId}/call/rules?saved=removed`);
  }

  // ---- rendering ----

  private async load(page: PageContext, programmeId: string) {
    const programme = await this.programmes.get(page.tenant.id, programmeId);
    const call = await this.applications.findCall(page.tenant.id, programmeId);
    if (!call) throw new DomainError('CALL_NOT_DEFINED');
    return { programme, call: { ...call, rules: call.rules ?? [], ruleModes: call.ruleModes ?? {} } as Call };
  }

  private async renderList(page: PageContext, programmeId: string, problems: FieldProblem[] = []) {
    const { programme, call } = await this.load(page, programmeId);
    const t = (key: string, values?: Record<string, unknown>) => this.views.t(page.locale, key, values);
    const fallbacks = contentFallbacks(page.tenant);
    const applies = { territory: call.territory.length > 0, goal: true, category: call.categories.length > 0, one_per_applicant: call.onePerApplicant };
    return this.views.page('pages/staff/call-rules', page, {
      title: t('rules.title'),
      programme,
      errors: errorMap(problems),
      errorList: problems,
      builtin: BUILTIN_RULES.map((r) => ({
        key: r,
        label: t(`rules.builtin.${r}`),
        applies: applies[r],
        modes: RULE_MODES.map((m) => ({ value: m, label: t(`rules.mode.${m}`), checked: (call.ruleModes[r] ?? 'blocking') === m })),
      })),
      rules: call.rules.map((r) => ({
        id: r.id,
        summary: describeRule(call, r, t, page.locale, fallbacks),
        message: r.message,
        advisory: r.mode === 'advisory',
      })),
      canAdd: ruleQuestions(call).length > 0,
    });
  }

  private renderEditor(page: PageContext, programme: unknown, call: Call, ruleId: string, values: RuleFormValues, problems: FieldProblem[]) {
    const t = (key: string, v?: Record<string, unknown>) => this.views.t(page.locale, key, v);
    const fallbacks = contentFallbacks(page.tenant);
    const labels: Record<string, string> = {
      'rule.field': t('rules.question'),
      'rule.operator': t('rules.operator'),
      'rule.value': t('rules.value'),
      'rule.when': t('rules.when'),
      'rule.whenValue': t('rules.when'),
      'rule.message': t('rules.message'),
      'rule.mode': t('rules.modeLabel'),
    };
    // Said in the page's language with the form's own names, then keyed by the form's inputs.
    const shown = localizeProblems(problems, page.locale, (f) => labels[f]).map((p) => ({
      field: p.field.replace(/^rule\./, '').replace('whenValue', 'when'),
      message: p.message,
    }));
    const question = call.form.find((q) => `answers.${q.key}` === values.field);
    const choices = choicesOf(question, t, page.locale, fallbacks);
    const groups = new Map<string, Array<{ value: string; label: string; selected: boolean }>>();
    for (const c of conditionChoices(call, t, page.locale, fallbacks)) {
      if (c.value.startsWith(`${values.field}=`)) continue;
      groups.set(c.group, [...(groups.get(c.group) ?? []), { value: c.value, label: c.label, selected: values.when === c.value }]);
    }
    return this.views.page('pages/staff/call-rule', page, {
      title: ruleId === 'new' ? t('rules.newTitle') : t('rules.editTitle'),
      programme,
      ruleId,
      errors: errorMap(shown),
      errorList: shown,
      questions: ruleQuestions(call).map((q) => ({
        value: `answers.${q.key}`,
        label: localizedText(q.label, page.locale, fallbacks) || q.key,
        selected: `answers.${q.key}` === values.field,
      })),
      operators: RULE_OPERATORS.map((op) => ({ value: op, label: t(`rules.op.${op}`), selected: values.operator === op, kind: operatorValueKind(op) })),
      choices: choices?.map((c) => ({ ...c, checked: values.values.includes(c.key) })),
      value: values.value,
      conditions: [...groups].map(([group, options]) => ({ group, options })),
      message: languageFields('message', values.message, undefined, page.tenant, { required: true }),
      modes: RULE_MODES.map((m) => ({ value: m, label: t(`rules.mode.${m}`), hint: t(`rules.modeHint.${m}`), checked: values.mode === m })),
    });
  }
}

/** A problem said of another field: its message written again for that field's name (not the first one's). */
function renamed(p: FieldProblem, field: string): FieldProblem {
  return p.key ? fieldProblem(field, p.key, p.values) : { ...p, field };
}
