import { fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { missingLanguages, type Locale } from '../common/i18n/localized.js';
import { localizedFromForm } from '../common/web/forms.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { eurosToCents } from '../common/web/money.js';
import { toLocalInput } from '../common/web/view.service.js';
import type { Call } from './call.entity.js';
import { coerceFormValue, type Answers } from './domain/form.js';

/** An HTML form's fields as a draft: euros to cents, checkboxes, and answers by question. */
export function draftFromForm(call: Call, body: Record<string, unknown>) {
  const str = (k: string) => (typeof body[k] === 'string' ? (body[k] as string).trim() : undefined);
  const euros = str('goalEuros');
  let goalCents: number | undefined;
  const problems: FieldProblem[] = [];
  if (euros !== undefined && euros !== '') {
    const cents = eurosToCents(euros);
    if (cents !== null) goalCents = cents;
    else problems.push(fieldProblem('goalCents', 'validation.euros'));
  }
  const answers: Answers = {};
  for (const q of call.form) {
    if (q.kind === 'file') continue;
    const raw = body[`q_${q.key}`];
    answers[q.key] = coerceFormValue(q, raw);
  }
  return {
    draft: {
      title: str('title'),
      summary: str('summary'),
      category: str('category') || undefined,
      goalCents,
      commune: str('commune'),
      postcode: str('postcode'),
      applicantName: str('applicantName'),
      organisation: str('organisation'),
      email: str('email'),
      phone: str('phone'),
      consent: body.consent === 'yes',
      answers,
    },
    problems,
  };
}

/**
 * The call editor works without JavaScript: the call's text is one field per language, categories
 * and communes are edited as lines of text ("key | label in each language, the default first"), the
 * custom questions as JSON (the same shape as the API's `form`).
 */
export function callToForm(call: Call | null, timeZone: string, languages: readonly Locale[]): Record<string, unknown> {
  if (!call)
    return {
      text: {},
      goalMinEuros: '1000',
      goalMaxEuros: '10000',
      onePerApplicant: 'yes',
      allowEditAfterSubmit: 'yes',
      form: '[]',
      categories: '',
      territory: '',
    };
  return {
    text: call.text,
    receiptPrefix: call.receiptPrefix,
    deadline: toLocalInput(call.deadline, timeZone),
    goalMinEuros: String(call.goalMinCents / 100),
    goalMaxEuros: String(call.goalMaxCents / 100),
    onePerApplicant: call.onePerApplicant ? 'yes' : '',
    allowEditAfterSubmit: call.allowEditAfterSubmit ? 'yes' : '',
    categories: call.categories.map((c) => [c.key, ...languages.map((l) => c.label[l] ?? '')].join(' | ').replace(/( \| )+$/, '')).join('\n'),
    territory: call.territory.map((c) => `${c.postcode} ${c.name}`).join('\n'),
    form: JSON.stringify(call.form, null, 2),
  };
}

/** The languages each category has no label in yet (what the editor lists as to translate). */
export function categoriesMissing(call: Call | null, languages: readonly Locale[]): Array<{ key: string; languages: Locale[] }> {
  return (call?.categories ?? []).map((c) => ({ key: c.key, languages: missingLanguages(c.label, languages) })).filter((c) => c.languages.length);
}

export function callFromForm(
  body: Record<string, string>,
  timeZone: string,
  languages: readonly Locale[],
): { dto: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const lines = (s: string | undefined) =>
    (s ?? '')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
  const categories = lines(body.categories).map((l, i) => {
    const [key, ...labels] = l.split('|').map((x) => x.trim());
    if (!key || !labels[0]) problems.push(fieldProblem('categories', 'validation.lineFormat', { line: i + 1, format: `key | ${languages.join(' | ')}` }));
    const label: Record<Locale, string> = {};
    languages.forEach((lang, n) => {
      if (labels[n]) label[lang] = labels[n];
    });
    return { key, label };
  });
  const territory = lines(body.territory).map((l, i) => {
    const m = /^(\S+)\s+(.+)$/.exec(l);
    if (!m) problems.push(fieldProblem('territory', 'validation.lineFormat', { line: i + 1, format: 'postcode commune' }));
    return { postcode: m?.[1] ?? '', name: m?.[2] ?? '' };
  });
  const deadline = zonedWallTimeToInstant((body.deadline ?? '').trim(), timeZone);
  if (!deadline) problems.push(fieldProblem('deadline', 'validation.dateTime'));
  const euros = (k: string) => {
    const raw = (body[k] ?? '').trim();
    if (!raw) return 0; // an empty bound reads as 0 cents
    const cents = eurosToCents(raw);
    if (cents === null) problems.push(fieldProblem(k, 'validation.euros'));
    return cents ?? Number.NaN;
  };
  let form: unknown = [];
  try {
    form = JSON.parse(body.form?.trim() || '[]');
  } catch {
    problems.push(fieldProblem('form', 'validation.questionsJson'));
  }
  return {
    dto: {
      text: localizedFromForm(body, 'text', languages),
      categories,
      territory,
      goalMinCents: euros('goalMinEuros'),
      goalMaxCents: euros('goalMaxEuros'),
      deadline: deadline?.toISOString(),
      onePerApplicant: body.onePerApplicant === 'yes',
      allowEditAfterSubmit: body.allowEditAfterSubmit === 'yes',
      form,
      receiptPrefix: (body.receiptPrefix ?? '').trim(),
    },
    problems,
  };
}
