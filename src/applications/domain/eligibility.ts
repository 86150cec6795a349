import { formatMoney } from '../../common/i18n/format.js';
import type { Locale, Localized } from '../../common/i18n/localized.js';
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
  en: string;
  fr: string;
}

// Built once: an Intl formatter costs tens of microseconds to make, and the desk evaluates every row.
const euros = (cents: number, locale: Locale) => formatMoney(cents, locale);

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
      en: inTerritory ? 'The project is in the territory.' : 'The project must take place in one of the communes of the territory.',
      fr: inTerritory ? 'Le projet est sur le territoire.' : "Le projet doit se dérouler dans l'une des communes du territoire.",
    });
  }
  const goal = a.goalCents;
  const goalOk = goal !== null && goal >= rules.goalMinCents && goal <= rules.goalMaxCents;
  results.push({
    rule: 'goal',
    field: 'goalEuros',
    passed: goalOk,
    en: `The funding goal must be between ${euros(rules.goalMinCents, 'en')} and ${euros(rules.goalMaxCents, 'en')}.`,
    fr: `L'objectif de collecte doit être compris entre ${euros(rules.goalMinCents, 'fr')} et ${euros(rules.goalMaxCents, 'fr')}.`,
  });
  if (rules.categories.length) {
    const ok = !!a.category && rules.categories.some((c) => c.key === a.category);
    results.push({
      rule: 'category',
      field: 'category',
      passed: ok,
      en: 'Choose one of the categories of the call.',
      fr: "Choisissez l'une des catégories de l'appel.",
    });
  }
  results.push({
    rule: 'consent',
    field: 'consent',
    passed: a.consent,
    en: 'You must accept the rules of the call.',
    fr: "Vous devez accepter le règlement de l'appel.",
  });
  if (rules.onePerApplicant) {
    const ok = a.otherApplications === 0;
    results.push({
      rule: 'one_per_applicant',
      field: 'title',
      passed: ok,
      en: 'Only one application per applicant is accepted for this call.',
      fr: 'Une seule candidature par porteur de projet est acceptée pour cet appel.',
    });
  }
  return results;
}

export function failedRules(results: RuleResult[]): RuleResult[] {
  return results.filter((r) => !r.passed);
}
