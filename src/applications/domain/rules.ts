import { fieldProblem, type FieldProblem } from '../../common/errors/domain-error.js';
import { cleanLocalized, type Localized } from '../../common/i18n/localized.js';
import type { AnswerValue, Question } from './form.js';

/**
 * Rules staff write on the call's own questions ("team size at least 2", "legal form is one of ...",
 * "a SIRET is given when the category is X"), stored as data on the call and read by one evaluator.
 */

/** A blocking rule refuses the submission; an advisory one warns the applicant and leaves staff to decide. */
export const RULE_MODES = ['blocking', 'advisory'] as const;
export type RuleMode = (typeof RULE_MODES)[number];

/** Operators in pairs of opposites (see `negate`): a rule and its opposite never both pass. */
/** The longest value a rule compares with, in characters. */
export const RULE_VALUE_MAX = 120;

export const RULE_OPERATORS = ['equals', 'not_equals', 'one_of', 'none_of', 'at_least', 'less_than', 'at_most', 'more_than', 'is_filled', 'is_empty'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

const OPPOSITE: Record<RuleOperator, RuleOperator> = {
  equals: 'not_equals',
  not_equals: 'equals',
  one_of: 'none_of',
  none_of: 'one_of',
  at_least: 'less_than',
  less_than: 'at_least',
  at_most: 'more_than',
  more_than: 'at_most',
  is_filled: 'is_empty',
  is_empty: 'is_filled',
};

/** What kind of value an operator compares with: none, one text (an option's key), several, or a number. */
export function operatorValueKind(op: RuleOperator): 'none' | 'one' | 'many' | 'number' {
  if (op === 'is_filled' || op === 'is_empty') return 'none';
  if (op === 'one_of' || op === 'none_of') return 'many';
  if (op === 'equals' || op === 'not_equals') return 'one';
  return 'number';
}

/** The fixed `category` field, or a question of the form as `answers.<key>` (the names field problems use). */
export type FieldRef = string;

export interface QuestionRule {
  /** Stable within the call (the editor's rows and links), never shown. */
  id: string;
  field: FieldRef;
  operator: RuleOperator;
  value?: string | number | string[];
  /** The rule applies only when this other field equals this value. */
  when?: { field: FieldRef; equals: string };
  /** What the applicant and staff read when the rule fails, per language. */
  message: Localized;
  mode: RuleMode;
}

/** An application's values by field reference: `category` and `answers.<key>`. */
export type Facts = Record<FieldRef, AnswerValue | undefined>;

export type RuleOutcome = 'pass' | 'fail' | 'not_applicable';

/** An answer as the texts it is made of: a yes/no as "yes"/"no", a number as its digits, choices as their keys. */
function valuesOf(v: AnswerValue | undefined): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'boolean') return [v ? 'yes' : 'no'];
  if (Array.isArray(v)) return v.map((x) => String(x).trim()).filter((x) => x !== '');
  const s = String(v).trim();
  return s === '' ? [] : [s];
}

const norm = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .trim()
    .toLowerCase();

function same(a: string, b: string): boolean {
  const x = Number(a.replace(',', '.'));
  const y = Number(b.replace(',', '.'));
  if (a.trim() !== '' && b.trim() !== '' && Number.isFinite(x) && Number.isFinite(y)) return x === y;
  return norm(a) === norm(b);
}

/** A number to compare: a number answer, a numeric text, or how many choices a multiple choice has. */
function numberOf(v: AnswerValue | undefined): number | null {
  if (Array.isArray(v)) return v.length;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim().replace(',', '.'));
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** Whether an answer satisfies an operator and its value, the condition aside. */
export function satisfies(op: RuleOperator, value: QuestionRule['value'], answer: AnswerValue | undefined): boolean {
  const have = valuesOf(answer);
  const list = Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
  const limit = typeof value === 'number' ? value : numberOf(typeof value === 'string' ? value : null);
  const n = numberOf(answer);
  switch (op) {
    case 'equals':
      return list.length > 0 && have.some((h) => same(h, list[0]));
    case 'not_equals':
      return !satisfies('equals', value, answer);
    case 'one_of':
      return have.some((h) => list.some((x) => same(h, x)));
    case 'none_of':
      return !satisfies('one_of', value, answer);
    case 'at_least':
      return n !== null && limit !== null && n >= limit;
    case 'less_than':
      return n !== null && limit !== null && n < limit;
    case 'at_most':
      return n !== null && limit !== null && n <= limit;
    case 'more_than':
      return n !== null && limit !== null && n > limit;
    case 'is_filled':
      return have.length > 0;
    case 'is_empty':
      return have.length === 0;
  }
}

/** One rule on an application's facts: not applicable when its condition does not hold. */
export function evaluateRule(rule: QuestionRule, facts: Facts): RuleOutcome {
  if (rule.when && !satisfies('equals', rule.when.equals, facts[rule.when.field])) return 'not_applicable';
  // An empty answer is the form's business ("this field is required"), not a comparison's: only
  // "is filled" / "is empty" read it, so one blank field is not also flagged by every rule on it.
  if (operatorValueKind(rule.operator) !== 'none' && valuesOf(facts[rule.field]).length === 0) return 'not_applicable';
  return satisfies(rule.operator, rule.value, facts[rule.field]) ? 'pass' : 'fail';
}

/** The rule that passes exactly when this one fails (for a filled answer of the right kind). */
export function negate(rule: QuestionRule): QuestionRule {
  return { ...rule, operator: OPPOSITE[rule.operator] };
}

/** An application's facts for the rules: its category and its answers. */
export function factsOf(category: string | null, answers: Record<string, AnswerValue>): Facts {
  const facts: Facts = { category };
  for (const [k, v] of Object.entries(answers)) facts[`answers.${k}`] = v;
  return facts;
}

/**
 * A call's rules checked against its form (fields are questions of the form, values of a choice are
 * its options, numbers where a number is compared, a message in the default language).
 * Problems are named `rules.<n>.<part>`.
 */
export function checkQuestionRules(
  rules: readonly QuestionRule[],
  questions: readonly Question[],
  categories: ReadonlyArray<{ key: string }>,
  defaultLocale: string,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const question = (ref: string) => (ref.startsWith('answers.') ? questions.find((q) => `answers.${q.key}` === ref) : undefined);
  const ids = new Set<string>();
  rules.forEach((r, i) => {
    const at = `rules.${i}`;
    if (!/^[a-z0-9-]{1,40}$/.test(r.id) || ids.has(r.id)) problems.push(fieldProblem(`${at}.id`, 'validation.keyTwice', { key: r.id }));
    ids.add(r.id);
    const q = question(r.field);
    if (!q || q.kind === 'file') problems.push(fieldProblem(`${at}.field`, 'validation.ruleField'));
    if (!RULE_OPERATORS.includes(r.operator)) problems.push(fieldProblem(`${at}.operator`, 'validation.isIn', { values: RULE_OPERATORS.join(', ') }));
    else {
      const kind = operatorValueKind(r.operator);
      const v = r.value;
      if (kind === 'number' && !(typeof v === 'number' && Number.isFinite(v))) problems.push(fieldProblem(`${at}.value`, 'validation.isNumber'));
      if (kind === 'one' && !(typeof v === 'string' && v.trim() !== '')) problems.push(fieldProblem(`${at}.value`, 'validation.ruleValue'));
      if (kind === 'many' && !(Array.isArray(v) && v.length > 0)) problems.push(fieldProblem(`${at}.value`, 'validation.ruleValue'));
      const options =
        q?.kind === 'single_choice' || q?.kind === 'multiple_choice' ? (q.options ?? []).map((o) => o.key) : q?.kind === 'yes_no' ? ['yes', 'no'] : null;
      const given = Array.isArray(v) ? v : kind === 'one' && typeof v === 'string' ? [v] : [];
      if (options && given.some((x) => !options.includes(x))) problems.push(fieldProblem(`${at}.value`, 'validation.ruleValue'));
      // A value is a word or a few: a page of text is a mistake (and would be written into every explanation).
      else if (given.length > 20 || given.some((x) => typeof x !== 'string' || x.length > RULE_VALUE_MAX))
        problems.push(fieldProblem(`${at}.value`, 'validation.ruleValueLength', { max: RULE_VALUE_MAX }));
    }
    if (r.when) {
      const c = question(r.when.field);
      const known = r.when.field === 'category' || (!!c && c.kind !== 'file');
      if (!known || r.when.field === r.field) problems.push(fieldProblem(`${at}.when`, 'validation.ruleField'));
      const options =
        r.when.field === 'category'
          ? categories.map((x) => x.key)
          : c?.kind === 'single_choice' || c?.kind === 'multiple_choice'
            ? (c.options ?? []).map((o) => o.key)
            : c?.kind === 'yes_no'
              ? ['yes', 'no']
              : null;
      if (!r.when.equals.trim() || (options && !options.includes(r.when.equals))) problems.push(fieldProblem(`${at}.whenValue`, 'validation.ruleValue'));
    }
    if (!RULE_MODES.includes(r.mode)) problems.push(fieldProblem(`${at}.mode`, 'validation.isIn', { values: RULE_MODES.join(', ') }));
    if (!cleanLocalized(r.message)[defaultLocale]) problems.push(fieldProblem(`${at}.message`, 'validation.required'));
  });
  return problems;
}

/** The questions some rule reads (a question a rule reads cannot be removed before the rule). */
export function questionsInRules(rules: readonly QuestionRule[]): Set<string> {
  const keys = new Set<string>();
  for (const r of rules) {
    for (const ref of [r.field, r.when?.field]) if (ref?.startsWith('answers.')) keys.add(ref.slice('answers.'.length));
  }
  return keys;
}
