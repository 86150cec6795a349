import { fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { formatNumber } from '../common/i18n/format.js';
import { localizedText, type Locale, type Localized } from '../common/i18n/localized.js';
import { localizedFromForm } from '../common/web/forms.js';
import type { Call } from './call.entity.js';
import type { Question } from './domain/form.js';
import { operatorValueKind, RULE_MODES, RULE_OPERATORS, type QuestionRule, type RuleMode, type RuleOperator } from './domain/rules.js';

type T = (key: string, values?: Record<string, unknown>) => string;

/** The questions a rule may read (every kind but files), by their label. */
export function ruleQuestions(call: Call): Question[] {
  return call.form.filter((q) => q.kind !== 'file');
}

/** The values a question can be compared with, when it has a list: its options, or yes and no. */
export function choicesOf(q: Question | undefined, t: T, locale: Locale, fallbacks: readonly Locale[]): Array<{ key: string; label: string }> | null {
  if (!q) return null;
  if (q.kind === 'single_choice' || q.kind === 'multiple_choice')
    return (q.options ?? []).map((o) => ({ key: o.key, label: localizedText(o.label, locale, fallbacks) || o.key }));
  if (q.kind === 'yes_no')
    return [
      { key: 'yes', label: t('answers.yes') },
      { key: 'no', label: t('answers.no') },
    ];
  return null;
}

/** The conditions a rule may have, each a field and a value in one choice: the categories, then each choice question's options. */
export function conditionChoices(call: Call, t: T, locale: Locale, fallbacks: readonly Locale[]) {
  const out: Array<{ value: string; group: string; label: string }> = call.categories.map((c) => ({
    value: `category=${c.key}`,
    group: t('field.category'),
    label: localizedText(c.label, locale, fallbacks) || c.key,
  }));
  for (const q of ruleQuestions(call)) {
    for (const c of choicesOf(q, t, locale, fallbacks) ?? [])
      out.push({ value: `answers.${q.key}=${c.key}`, group: localizedText(q.label, locale, fallbacks) || q.key, label: c.label });
  }
  return out;
}

/** A rule in words: "«Team size» is at least 2, when «Category» is «Business»". */
export function describeRule(call: Call, r: QuestionRule, t: T, locale: Locale, fallbacks: readonly Locale[]): string {
  const labelOf = (ref: string) => {
    if (ref === 'category') return t('field.category');
    const q = call.form.find((x) => `answers.${x.key}` === ref);
    return q ? localizedText(q.label, locale, fallbacks) || q.key : ref;
  };
  const valueOf = (ref: string, v: string) => {
    if (ref === 'category') return localizedText(call.categories.find((c) => c.key === v)?.label, locale, fallbacks) || v;
    const q = call.form.find((x) => `answers.${x.key}` === ref);
    return choicesOf(q, t, locale, fallbacks)?.find((c) => c.key === v)?.label ?? v;
  };
  const list = Array.isArray(r.value) ? r.value : r.value === undefined ? [] : [String(r.value)];
  const value = typeof r.value === 'number' ? formatNumber(r.value, locale, 3) : list.map((v) => valueOf(r.field, v)).join(', ');
  const base = t('rules.summary', { field: labelOf(r.field), op: t(`rules.op.${r.operator}`), value }).trim();
  return r.when ? t('rules.summaryWhen', { rule: base, field: labelOf(r.when.field), value: valueOf(r.when.field, r.when.equals) }) : base;
}

/** The rule form's fields as the API's rule (the question's options as checkboxes, a number typed with a comma, the condition in one choice). */
export function ruleFromForm(
  call: Call,
  body: Record<string, unknown>,
  languages: readonly Locale[],
): { dto: Record<string, unknown>; problems: FieldProblem[] } {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : '');
  const list = (k: string) => {
    const v = body[k];
    return (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []).map((x) => x.trim()).filter(Boolean);
  };
  const problems: FieldProblem[] = [];
  const field = str('field');
  const operator = str('operator') as RuleOperator;
  const q = call.form.find((x) => `answers.${x.key}` === field);
  const hasChoices = q?.kind === 'single_choice' || q?.kind === 'multiple_choice' || q?.kind === 'yes_no';
  let value: string | number | string[] | undefined;
  const kind = RULE_OPERATORS.includes(operator) ? operatorValueKind(operator) : 'none';
  if (kind === 'number') {
    const raw = str('value').replace(/\s/g, '').replace(',', '.');
    const n = raw === '' ? NaN : Number(raw);
    if (Number.isFinite(n)) value = n;
    else problems.push(fieldProblem('rule.value', 'validation.isNumber'));
  } else if (kind === 'one') {
    const picked = hasChoices ? list('values') : [str('value')].filter(Boolean);
    if (picked.length !== 1) problems.push(fieldProblem('rule.value', 'validation.ruleOneValue'));
    else value = picked[0];
  } else if (kind === 'many') {
    value = hasChoices
      ? list('values')
      : str('value')
          .split(/[;\n]/)
          .map((x) => x.trim())
          .filter(Boolean);
  }
  const when = str('when');
  const at = when.indexOf('=');
  const mode = (RULE_MODES as readonly string[]).includes(str('mode')) ? (str('mode') as RuleMode) : str('mode');
  return {
    dto: {
      field,
      operator,
      ...(value !== undefined ? { value } : {}),
      ...(when && at > 0 ? { when: { field: when.slice(0, at), equals: when.slice(at + 1) } } : {}),
      message: localizedFromForm(body, 'message', languages),
      mode,
    },
    problems,
  };
}

export interface RuleFormValues {
  field: string;
  operator: string;
  value: string;
  values: string[];
  when: string;
  message: Localized;
  mode: string;
}

/** What the rule form shows for a stored rule, or for a new one on the first question. */
export function ruleToValues(call: Call, r: QuestionRule | undefined): RuleFormValues {
  const field = r?.field ?? (ruleQuestions(call)[0] ? `answers.${ruleQuestions(call)[0].key}` : '');
  const list = r ? (Array.isArray(r.value) ? r.value : r.value === undefined ? [] : [String(r.value)]) : [];
  return {
    field,
    operator: r?.operator ?? 'equals',
    value: typeof r?.value === 'number' ? String(r.value) : list.join('; '),
    values: list,
    when: r?.when ? `${r.when.field}=${r.when.equals}` : '',
    message: r?.message ?? {},
    mode: r?.mode ?? 'advisory',
  };
}
