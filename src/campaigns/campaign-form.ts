import { fieldProblem } from '../common/errors/domain-error.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
import type { Locale } from '../common/i18n/localized.js';
import { formHasText, localizedFromForm } from '../common/web/language-fields.js';
import { eurosToCents } from '../common/web/money.js';

/** The campaign editor's form, as submitted, converted to the API's DTO. No I/O here. */

export type Form = Record<string, unknown>;
export const str = (body: Form, key: string) => (typeof body[key] === 'string' ? (body[key] as string).trim() : '');
/** Rows of the FAQ and reward editors: what is there plus a few empty ones, up to the DTO's maximum. */
export const MAX_ROWS = 20;

export function integerOrNull(raw: string): number | null | undefined {
  if (raw === '') return null;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

/** How many rows of a repeated group the submitted form had. */
export function rowsIn(body: Form, group: 'faq' | 'rewards'): number {
  let n = 0;
  for (const key of Object.keys(body)) {
    const m = new RegExp(`^${group}\\.(\\d+)\\.`).exec(key);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return Math.min(n, MAX_ROWS);
}

/**
 * The editor's form as the API's DTO: euros to cents, empty rows dropped, each written text as a map
 * of the authority's `languages` (inputs `title.fr`, `faq.0.question.en`…). Returns the form row of each
 * kept FAQ entry and reward, so that a DTO error ("rewards.0.title") lands on its row of the form.
 */
export function campaignFormToDto(body: Form, languages: readonly Locale[]) {
  const problems: FieldProblem[] = [];
  const loc = (name: string) => localizedFromForm(body, name, languages);
  const dto: Record<string, unknown> = {
    title: loc('title'),
    summary: loc('summary'),
    story: loc('story'),
  };
  const goal = eurosToCents(str(body, 'goalEuros'));
  if (goal === null) problems.push(fieldProblem('goalEuros', 'validation.euros'));
  else dto.goalCents = goal;
  const faqRows: number[] = [];
  const faq: Array<{ question: Record<Locale, string>; answer: Record<Locale, string> }> = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const question = loc(`faq.${i}.question`);
    const answer = loc(`faq.${i}.answer`);
    if (!formHasText(question) && !formHasText(answer)) continue;
    faq.push({ question, answer });
    faqRows.push(i);
  }
  const rewardRows: number[] = [];
  const rewards: Array<Record<string, unknown>> = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const f = (name: string) => str(body, `rewards.${i}.${name}`);
    const title = loc(`rewards.${i}.title`);
    const description = loc(`rewards.${i}.description`);
    if (!formHasText(title) && !formHasText(description) && !f('minAmount') && !f('quantity') && !f('estimatedDelivery')) continue;
    const min = eurosToCents(f('minAmount'));
    if (min === null) problems.push(fieldProblem(`rewards.${i}.minAmount`, 'validation.euros'));
    const quantity = integerOrNull(f('quantity'));
    if (quantity === undefined) problems.push(fieldProblem(`rewards.${i}.quantity`, 'validation.isInt'));
    rewards.push({
      ...(f('id') ? { id: f('id') } : {}),
      title,
      description,
      minAmountCents: min ?? 100,
      quantity: quantity ?? null,
      estimatedDelivery: f('estimatedDelivery') || null,
      matchEligible: body[`rewards.${i}.matchEligible`] === 'yes',
    });
    rewardRows.push(i);
  }
  dto.faq = faq;
  dto.rewards = rewards;
  return { dto, problems, faqRows, rewardRows };
}

/** A DTO field path ("rewards.0.minAmountCents") as the form's field ("rewards.3.minAmount"). */
export function formFieldOf(field: string, faqRows: number[], rewardRows: number[]): string {
  if (field === 'goalCents') return 'goalEuros';
  const m = /^(faq|rewards)\.(\d+)(?:\.(\w+))?/.exec(field);
  if (!m) return field;
  const row = (m[1] === 'faq' ? faqRows : rewardRows)[Number(m[2])] ?? Number(m[2]);
  const prop = m[3] === 'minAmountCents' ? 'minAmount' : (m[3] ?? (m[1] === 'faq' ? 'question' : 'title'));
  return `${m[1]}.${row}.${prop}`;
}

// ---- staff: review, settings and budgets ----------------------------------------------------------
