import { randomUUID } from 'node:crypto';
import { fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { cleanLocalized, pickLocalized, type Locale } from '../common/i18n/localized.js';
import { renderMessage } from '../common/i18n/message.js';
import { sharedTranslations } from '../common/web/i18n.js';
import type { Application } from './application.entity.js';
import type { Call } from './call.entity.js';
import { advisoryFailures, blockingFailures, evaluateEligibility, type RuleModes, type RuleResult } from './domain/eligibility.js';
import type { Question } from './domain/form.js';
import { checkQuestionRules, questionsInRules, type QuestionRule } from './domain/rules.js';
import type { QuestionRuleDto, RuleModesDto } from './dto/call.dto.js';

/** Every rule of the call on an application (the one engine behind the form, the API and the desk). */
export function evaluateCallRules(call: Call, a: Application, otherApplications: number): RuleResult[] {
  return evaluateEligibility(
    {
      territory: call.territory,
      goalMinCents: call.goalMinCents,
      goalMaxCents: call.goalMaxCents,
      categories: call.categories,
      onePerApplicant: call.onePerApplicant,
      modes: call.ruleModes ?? {},
      questionRules: call.rules ?? [],
    },
    { category: a.category, goalCents: a.goalCents, commune: a.commune, postcode: a.postcode, consent: a.consent, otherApplications, answers: a.answers },
  );
}

/** A rule's reason in a language: the message staff wrote for a question rule, else the catalogue's sentence. */
export function ruleText(r: RuleResult, locale: Locale, fallbacks: readonly Locale[]): { text: string; lang: Locale } {
  const own = r.text ? pickLocalized(r.text, locale, fallbacks) : undefined;
  if (own) return own;
  return { text: renderMessage((l, k, v) => sharedTranslations().t(l, k, v), locale, r.reason), lang: locale };
}

/**
 * The blocking rules an application fails, as field problems in the reader's language. A goal or a
 * category not given yet is said by completeness, not twice.
 */
export function blockingProblems(results: RuleResult[], a: Application, locale: Locale, fallbacks: readonly Locale[]): FieldProblem[] {
  return blockingFailures(results).flatMap((r) => {
    if (r.rule === 'goal' && a.goalCents === null) return [];
    if (r.rule === 'category' && !a.category) return [];
    const field = r.field === 'goalEuros' ? 'goalCents' : r.field;
    if (r.rule === 'question') return [fieldProblem(field, 'eligibility.question', { text: ruleText(r, locale, fallbacks).text })];
    return [fieldProblem(field, r.reason.key, r.reason.values)];
  });
}

/** What the applicant is warned about (advisory rules failed): field and reason in their language. */
export function advisoryWarnings(results: RuleResult[], locale: Locale, fallbacks: readonly Locale[]) {
  return advisoryFailures(results).map((r) => ({
    rule: r.ruleId ?? r.rule,
    field: r.field === 'goalEuros' ? 'goalCents' : r.field,
    ...ruleText(r, locale, fallbacks),
  }));
}

/** Rules as the API or the editor sent them, with an id each (kept when given) and trimmed messages. */
export function rulesFromDto(rules: readonly QuestionRuleDto[]): QuestionRule[] {
  const taken = new Set(rules.map((r) => r.id).filter(Boolean));
  return rules.map((r) => {
    let id = r.id;
    while (!id || (taken.has(id) && id !== r.id)) id = randomUUID().slice(0, 8);
    taken.add(id);
    const out: QuestionRule = { id, field: r.field, operator: r.operator, message: cleanLocalized(r.message), mode: r.mode };
    if (r.value !== undefined && r.value !== null) out.value = Array.isArray(r.value) ? r.value.map(String) : r.value;
    if (r.when) out.when = { field: r.when.field, equals: r.when.equals };
    return out;
  });
}

export function modesFromDto(m: RuleModesDto): RuleModes {
  return Object.fromEntries(Object.entries(m).filter(([, v]) => v === 'blocking' || v === 'advisory')) as RuleModes;
}

/**
 * The rules checked against the form they will be read with; when only the form changes (`rulesGiven`
 * false), a question that a rule reads cannot go before the rule: said next to the question.
 */
export function rulesProblems(
  rules: readonly QuestionRule[],
  form: readonly Question[],
  categories: ReadonlyArray<{ key: string }>,
  defaultLocale: Locale,
  rulesGiven: boolean,
): FieldProblem[] {
  if (!rulesGiven) {
    const kept = new Set(form.map((q) => q.key));
    const lost = [...questionsInRules(rules)].filter((k) => !kept.has(k));
    if (lost.length) return lost.map((k) => fieldProblem(`form.${k}`, 'validation.ruleUsesQuestion'));
    // Another change (an option or a category a rule compares with, gone) is said once, for the rules page to fix.
    const broken = [...new Set(checkQuestionRules(rules, form, categories, defaultLocale).map((p) => Number(p.field.split('.')[1])))];
    return broken.map((n) => fieldProblem('rules', 'validation.ruleBroken', { n: n + 1 }));
  }
  return checkQuestionRules(rules, form, categories, defaultLocale);
}
