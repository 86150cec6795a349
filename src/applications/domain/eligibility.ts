import type { Localized } from '../../common/i18n/localized.js';
import { type Message, message } from '../../common/i18n/message.js';
/** The rules a call declares; each evaluated by code and explained to the applicant. */
export interface EligibilityRules {
  /** Communes (by name or postcode) of the territory; empty means anywhere. */
  territory: Array<{ name: string; postcode: string }>;
  goalMinCents: number;
  goalMaxCents: number;
  categories: Array<{ key: string; label: Localized }>;
  onePerApplicant: boolean;
}

export interface ApplicationFacts {
  category: string | null;
  goalCents: number | null;
  commune: string | null;
  postcode: string | null;
  consent: boolean;
  /** Other live (not withdrawn) applications of the same applicant to this call. */
  otherApplications: number;
}

export type RuleKey = 'territory' | 'goal' | 'category' | 'consent' | 'one_per_applicant';

export interface RuleResult {
  rule: RuleKey;
  /** The form field the applicant can change to pass the rule. */
  field: string;
  passed: boolean;
  /** Why, as a message (`eligibility.<rule>`, with `passed` and the rule's figures), in the reader's language where shown. */
  reason: Message;
}

const norm = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase()
    .replace(/[\s'’-]+/g, ' ');

/** Every rule with its outcome and its reason in both languages. */
export function evaluateEligibility(rules: EligibilityRules, a: ApplicationFacts): RuleResult[] {
  const results: RuleResult[] = [];
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
