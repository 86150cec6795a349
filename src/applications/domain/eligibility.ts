import type { Localized } from '../../common/i18n/localized.js';
import { type Message, message } from '../../common/i18n/message.js';
import type { Answers } from './form.js';
import { evaluateRule, factsOf, type QuestionRule, type RuleMode } from './rules.js';

/** The fixed rules whose mode staff choose (consent stays blocking: nothing can be processed without it). */
export const BUILTIN_RULES = ['territory', 'goal', 'category', 'one_per_applicant'] as const;
export type BuiltinRule = (typeof BUILTIN_RULES)[number];
export type RuleModes = Partial<Record<BuiltinRule, RuleMode>>;

/** The rules a call declares; each evaluated by code and explained to the applicant. */
export interface EligibilityRules {
  /** Communes (by name or postcode) of the territory; empty means anywhere. */
  territory: Array<{ name: string; postcode: string }>;
  goalMinCents: number;
  goalMaxCents: number;
  categories: Array<{ key: string; label: Localized }>;
  onePerApplicant: boolean;
  /** Blocking unless set advisory. */
  modes?: RuleModes;
  /** Rules written on the form's questions. */
  questionRules?: readonly QuestionRule[];
}

export interface ApplicationFacts {
  category: string | null;
  goalCents: number | null;
  commune: string | null;
  postcode: string | null;
  consent: boolean;
  /** Other live (not withdrawn) applications of the same applicant to this call. */
  otherApplications: number;
  answers?: Answers;
}

export type RuleKey = BuiltinRule | 'consent' | 'question';

export interface RuleResult {
  rule: RuleKey;
  /** The form field the applicant can change to pass the rule. */
  field: string;
  passed: boolean;
  mode: RuleMode;
  /** Why, as a message (`eligibility.<rule>`, with `passed` and the rule's figures), in the reader's language where shown. */
  reason: Message;
  /** A question rule: its id and the message staff wrote (shown instead of `reason` when there is one in a language). */
  ruleId?: string;
  text?: Localized;
}

const norm = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s'’-]+/g, ' ');

/**
 * Every rule that applies, with its outcome, its mode and its reason: the one evaluator the apply
 * form, the API's submission and the screening desk all call.
 */
export function evaluateEligibility(rules: EligibilityRules, a: ApplicationFacts): RuleResult[] {
  const fixed = evaluateFixed(rules, a).map((r) => ({ ...r, mode: r.rule === 'consent' ? 'blocking' : (rules.modes?.[r.rule as BuiltinRule] ?? 'blocking') }));
  const facts = factsOf(a.category, a.answers ?? {});
  const custom: RuleResult[] = (rules.questionRules ?? []).flatMap((q) => {
    const outcome = evaluateRule(q, facts);
    if (outcome === 'not_applicable') return [];
    return [
      {
        rule: 'question' as const,
        ruleId: q.id,
        field: q.field,
        passed: outcome === 'pass',
        mode: q.mode,
        reason: message('eligibility.question'),
        text: q.message,
      },
    ];
  });
  return [...fixed, ...custom];
}

function evaluateFixed(rules: EligibilityRules, a: ApplicationFacts): Array<Omit<RuleResult, 'mode'>> {
  const results: Array<Omit<RuleResult, 'mode'>> = [];
  if (rules.territory.length) {
    const inTerritory = rules.territory.some((c) => (a.postcode && c.postcode === a.postcode.trim()) || (a.commune && norm(c.name) === norm(a.commune)));
    results.push({
      rule: 'territory',
      field: 'commune',
      passed: inTerritory,
      reason: message('eligibility.territory', { passed: inTerritory ? 'yes' : 'no' }),
    });
  }
  const goal = a.goalCents;
  const goalOk = goal !== null && goal >= rules.goalMinCents && goal <= rules.goalMaxCents;
  results.push({
    rule: 'goal',
    field: 'goalEuros',
    passed: goalOk,
    reason: message('eligibility.goal', { min: { cents: rules.goalMinCents }, max: { cents: rules.goalMaxCents } }),
  });
  if (rules.categories.length) {
    const ok = !!a.category && rules.categories.some((c) => c.key === a.category);
    results.push({
      rule: 'category',
      field: 'category',
      passed: ok,
      reason: message('eligibility.category'),
    });
  }
  results.push({
    rule: 'consent',
    field: 'consent',
    passed: a.consent,
    reason: message('eligibility.consent'),
  });
  if (rules.onePerApplicant) {
    const ok = a.otherApplications === 0;
    results.push({
      rule: 'one_per_applicant',
      field: 'title',
      passed: ok,
      reason: message('eligibility.onePerApplicant'),
    });
  }
  return results;
}

export function failedRules(results: RuleResult[]): RuleResult[] {
  return results.filter((r) => !r.passed);
}

/** Failed rules that refuse the submission. */
export function blockingFailures(results: RuleResult[]): RuleResult[] {
  return results.filter((r) => !r.passed && r.mode === 'blocking');
}

/** Failed rules the applicant is warned about and staff decide on. */
export function advisoryFailures(results: RuleResult[]): RuleResult[] {
  return results.filter((r) => !r.passed && r.mode === 'advisory');
}
