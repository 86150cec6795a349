import { fieldProblem } from '../common/errors/domain-error.js';
import type { FieldProblem } from '../common/errors/domain-error.js';
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
 * The editor's form as the API's DTO: euros to cents, empty rows dropped. Returns the form row of each
 * kept FAQ entry and reward, so that a DTO error ("rewards.0.title") lands on its row of the form.
 */
export function campaignFormToDto(body: Form) {
  const problems: FieldProblem[] = [];
  const dto: Record<string, unknown> = {
    title: str(body, 'title'),
    summary: str(body, 'summary'),
    story: typeof body.story === 'string' ? body.story : '',
    imageAlt: str(body, 'imageAlt'),
  };
  const goal = eurosToCents(str(body, 'goalEuros'));
  if (goal === null) problems.push(fieldProblem('goalEuros', 'validation.euros'));
  else dto.goalCents = goal;
  const faqRows: number[] = [];
  const faq: Array<{ question: string; answer: string }> = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const question = str(body, `faq.${i}.question`);
    const answer = str(body, `faq.${i}.answer`);
    if (!question && !answer) continue;
    faq.push({ question, answer });
    faqRows.push(i);
  }
  const rewardRows: number[] = [];
  const rewards: Array<Record<string, unknown>> = [];
  for (let i = 0; i < MAX_ROWS; i++) {
    const f = (name: string) => str(body, `rewards.${i}.${name}`);
    if (!f('title') && !f('description') && !f('minAmount') && !f('quantity') && !f('estimatedDelivery')) continue;
    const min = eurosToCents(f('minAmount'));
    if (min === null) problems.push(fieldProblem(`rewards.${i}.minAmount`, 'validation.euros'));
    const quantity = integerOrNull(f('quantity'));
    if (quantity === undefined) problems.push(fieldProblem(`rewards.${i}.quantity`, 'validation.isInt'));
    rewards.push({
      ...(f('id') ? { id: f('id') } : {}),
      title: f('title'),
      description: f('description'),
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
