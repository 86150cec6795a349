import { fieldProblem, type FieldProblem } from '../common/errors/domain-error.js';
import { cleanLocalized, type Locale, type Localized } from '../common/i18n/localized.js';
import { localizedFromForm } from '../common/web/forms.js';
import { zonedWallTimeToInstant } from '../common/time/zoned.js';
import { eurosToCents } from '../common/web/money.js';
import { toLocalInput } from '../common/web/view.service.js';
import type { Call } from './call.entity.js';
import { coerceFormValue, QUESTION_KINDS, type Answers, type Question, type QuestionKind } from './domain/form.js';

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
 * The call editor works without JavaScript: the call's text is one field per language, the custom
 * questions, their options, the categories and the communes are rows of fields (`q.0.label.fr`,
 * `q.0.opt.1.key`, `cat.2.label.en`, `com.3.postcode`), read back here into the editor's state.
 */
export interface OptionRow {
  key: string;
  label: Localized;
  remove: boolean;
}
export interface QuestionRow {
  key: string;
  kind: QuestionKind;
  label: Localized;
  help: Localized;
  required: boolean;
  maxLength: string;
  min: string;
  max: string;
  maxSizeMb: string;
  accept: string[];
  options: OptionRow[];
  remove: boolean;
}
export interface CategoryRow {
  key: string;
  label: Localized;
  remove: boolean;
}
export interface CommuneRow {
  postcode: string;
  name: string;
  remove: boolean;
}
export interface CallEditorState {
  fields: Record<string, unknown>;
  questions: QuestionRow[];
  categories: CategoryRow[];
  communes: CommuneRow[];
}

const MB = 1024 * 1024;
const numberText = (n: number | undefined) => (n === undefined ? '' : String(n));

export function questionRow(q: Question): QuestionRow {
  return {
    key: q.key,
    kind: q.kind,
    label: { ...q.label },
    help: { ...(q.help ?? {}) },
    required: q.required,
    maxLength: numberText(q.maxLength),
    min: numberText(q.min),
    max: numberText(q.max),
    maxSizeMb: q.maxSizeBytes === undefined ? '' : String(Math.round((q.maxSizeBytes / MB) * 100) / 100),
    accept: q.kind === 'file' ? [...(q.accept ?? ['pdf', 'image'])] : [],
    options: (q.options ?? []).map((o) => ({ key: o.key, label: { ...o.label }, remove: false })),
    remove: false,
  };
}

export function emptyQuestion(kind: QuestionKind): QuestionRow {
  return questionRow({ key: '', kind, label: {}, required: false, ...(kind === 'file' ? { accept: ['pdf', 'image'] } : {}) });
}

/** What the editor shows for a call (or the defaults of a new one). */
export function callToState(call: Call | null, timeZone: string): CallEditorState {
  if (!call)
    return {
      fields: { text: {}, goalMinEuros: '1000', goalMaxEuros: '10000', onePerApplicant: 'yes', allowEditAfterSubmit: 'yes' },
      questions: [],
      categories: [],
      communes: [],
    };
  return {
    fields: {
      text: call.text,
      receiptPrefix: call.receiptPrefix,
      deadline: toLocalInput(call.deadline, timeZone),
      goalMinEuros: String(call.goalMinCents / 100),
      goalMaxEuros: String(call.goalMaxCents / 100),
      onePerApplicant: call.onePerApplicant ? 'yes' : '',
      allowEditAfterSubmit: call.allowEditAfterSubmit ? 'yes' : '',
    },
    questions: call.form.map(questionRow),
    categories: call.categories.map((c) => ({ key: c.key, label: { ...c.label }, remove: false })),
    communes: call.territory.map((c) => ({ postcode: c.postcode, name: c.name, remove: false })),
  };
}

type Body = Record<string, unknown>;
const text = (body: Body, k: string) => {
  const v = body[k];
  return typeof v === 'string' ? v.trim() : Array.isArray(v) && typeof v[0] === 'string' ? String(v[0]).trim() : '';
};
const list = (body: Body, k: string) => {
  const v = body[k];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
};
const has = (body: Body, prefix: string) => Object.keys(body).some((k) => k === prefix || k.startsWith(`${prefix}.`));

/** The editor's state as the browser sent it (rows in their order on the page). */
export function stateFromBody(body: Body, languages: readonly Locale[]): CallEditorState {
  const questions: QuestionRow[] = [];
  for (let i = 0; has(body, `q.${i}`); i++) {
    const at = `q.${i}`;
    const kind = text(body, `${at}.kind`) as QuestionKind;
    const options: OptionRow[] = [];
    for (let j = 0; has(body, `${at}.opt.${j}`); j++) {
      const o = `${at}.opt.${j}`;
      const option = { key: text(body, `${o}.key`), label: localizedFromForm(body, `${o}.label`, languages), remove: text(body, `${o}.remove`) === 'yes' };
      // The empty row the page offers to add a choice is not a row until something is typed in it.
      if (option.key || formHasAny(option.label)) options.push(option);
    }
    questions.push({
      key: text(body, `${at}.key`),
      kind: QUESTION_KINDS.includes(kind) ? kind : 'short_text',
      label: localizedFromForm(body, `${at}.label`, languages),
      help: localizedFromForm(body, `${at}.help`, languages),
      required: text(body, `${at}.required`) === 'yes',
      maxLength: text(body, `${at}.maxLength`),
      min: text(body, `${at}.min`),
      max: text(body, `${at}.max`),
      maxSizeMb: text(body, `${at}.maxSizeMb`),
      accept: list(body, `${at}.accept`).filter((a) => a === 'pdf' || a === 'image'),
      options,
      remove: text(body, `${at}.remove`) === 'yes',
    });
  }
  const categories: CategoryRow[] = [];
  for (let i = 0; has(body, `cat.${i}`); i++) {
    const category = {
      key: text(body, `cat.${i}.key`),
      label: localizedFromForm(body, `cat.${i}.label`, languages),
      remove: text(body, `cat.${i}.remove`) === 'yes',
    };
    if (category.key || formHasAny(category.label)) categories.push(category);
  }
  const communes: CommuneRow[] = [];
  for (let i = 0; has(body, `com.${i}`); i++) {
    const commune = { postcode: text(body, `com.${i}.postcode`), name: text(body, `com.${i}.name`), remove: text(body, `com.${i}.remove`) === 'yes' };
    if (commune.postcode || commune.name) communes.push(commune);
  }
  for (const c of parseCommuneList(typeof body.communesPaste === 'string' ? body.communesPaste : '')) {
    if (!communes.some((x) => x.postcode === c.postcode && x.name.toLowerCase() === c.name.toLowerCase())) communes.push({ ...c, remove: false });
  }
  return {
    fields: {
      text: localizedFromForm(body, 'text', languages),
      receiptPrefix: text(body, 'receiptPrefix'),
      deadline: text(body, 'deadline'),
      goalMinEuros: text(body, 'goalMinEuros'),
      goalMaxEuros: text(body, 'goalMaxEuros'),
      onePerApplicant: text(body, 'onePerApplicant'),
      allowEditAfterSubmit: text(body, 'allowEditAfterSubmit'),
    },
    questions,
    categories,
    communes,
  };
}

/** The row buttons: move a question up or down, add an empty question of a kind, add an option row. */
export function applyEditorAction(state: CallEditorState, action: string, newKind: string): boolean {
  const m = /^(up|down|option)\.(\d+)$/.exec(action);
  if (m) {
    const i = Number(m[2]);
    const qs = state.questions;
    if (m[1] === 'option' && qs[i]) qs[i].options.push({ key: '', label: {}, remove: false });
    const j = m[1] === 'up' ? i - 1 : i + 1;
    if (m[1] !== 'option' && qs[i] && qs[j]) [qs[i], qs[j]] = [qs[j], qs[i]];
    return true;
  }
  if (action === 'add') {
    const kind = (QUESTION_KINDS as readonly string[]).includes(newKind) ? (newKind as QuestionKind) : 'short_text';
    // The page shows an empty option row under every choice question.
    state.questions.push(emptyQuestion(kind));
    return true;
  }
  return false;
}

/** A key from a label: lower case ASCII letters, digits and `_` (or `-`), unique among `taken`. */
export function keyFromLabel(label: string, taken: ReadonlySet<string>, fallback: string, separator: '_' | '-' = '_'): string {
  let base = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, separator)
    .replace(new RegExp(`^\\${separator}+|\\${separator}+$`, 'g'), '')
    .slice(0, 36)
    .replace(new RegExp(`\\${separator}+$`), '');
  if (!/^[a-z]/.test(base)) base = base ? `${fallback}${separator}${base}`.slice(0, 36) : fallback;
  let key = base;
  for (let n = 2; taken.has(key); n++) key = `${base}${separator}${n}`;
  return key;
}

const firstText = (label: Localized, languages: readonly Locale[]) =>
  languages.map((l) => label[l]?.trim()).find(Boolean) ?? Object.values(label).find((v) => v?.trim()) ?? '';

/**
 * The call the editor's state describes, and where each kept question sits among the rows (the
 * problems of `form.<n>` are shown next to row `rowOf[n]`). Keys left empty are made from the label.
 */
export function callFromState(
  state: CallEditorState,
  timeZone: string,
  languages: readonly Locale[],
): { dto: Record<string, unknown>; problems: FieldProblem[]; rowOf: number[]; categoryRowOf: number[]; communeRowOf: number[] } {
  const problems: FieldProblem[] = [];
  const f = state.fields as Record<string, string>;
  const deadline = zonedWallTimeToInstant(f.deadline ?? '', timeZone);
  if (!deadline) problems.push(fieldProblem('deadline', 'validation.dateTime'));
  const euros = (k: string) => {
    const raw = (f[k] ?? '').trim();
    if (!raw) return 0; // an empty bound reads as 0 cents
    const cents = eurosToCents(raw);
    if (cents === null) problems.push(fieldProblem(k, 'validation.euros'));
    return cents ?? Number.NaN;
  };
  const rowOf: number[] = [];
  const taken = new Set(state.questions.filter((q) => !q.remove && q.key).map((q) => q.key));
  const form: Question[] = [];
  state.questions.forEach((row, i) => {
    if (row.remove) return;
    const at = `form.${form.length}`;
    const num = (raw: string, field: string, integer = false) => {
      if (!raw) return undefined;
      const n = Number(raw.replace(',', '.'));
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
        problems.push(fieldProblem(`${at}.${field}`, integer ? 'validation.isInt' : 'validation.isNumber'));
        return undefined;
      }
      return n;
    };
    if (!row.key) {
      row.key = keyFromLabel(firstText(row.label, languages), taken, 'question');
      taken.add(row.key);
    }
    const q: Question = { key: row.key, kind: row.kind, label: row.label, required: row.required };
    if (formHasAny(row.help)) q.help = row.help;
    if (row.kind === 'short_text' || row.kind === 'long_text') {
      const n = num(row.maxLength, 'maxLength', true);
      if (n !== undefined) q.maxLength = n;
    }
    if (row.kind === 'number') {
      const min = num(row.min, 'min');
      const max = num(row.max, 'max');
      if (min !== undefined) q.min = min;
      if (max !== undefined) q.max = max;
    }
    if (row.kind === 'single_choice' || row.kind === 'multiple_choice') {
      const optionKeys = new Set(row.options.filter((o) => !o.remove && o.key).map((o) => o.key));
      q.options = row.options
        .filter((o) => !o.remove && (o.key || formHasAny(o.label)))
        .map((o) => {
          if (!o.key) {
            o.key = keyFromLabel(firstText(o.label, languages), optionKeys, 'option', '-');
            optionKeys.add(o.key);
          }
          return { key: o.key, label: o.label };
        });
    }
    if (row.kind === 'file') {
      const mb = num(row.maxSizeMb, 'maxSizeBytes');
      if (mb !== undefined) q.maxSizeBytes = Math.round(mb * MB);
      q.accept = row.accept as Array<'pdf' | 'image'>;
    }
    form.push(q);
    rowOf.push(i);
  });
  const catKeys = new Set(state.categories.filter((c) => !c.remove && c.key).map((c) => c.key));
  const keptCategory = (c: CategoryRow) => !c.remove && (!!c.key || formHasAny(c.label));
  const keptCommune = (c: CommuneRow) => !c.remove && (!!c.postcode || !!c.name);
  const indexes = <T>(rows: T[], kept: (r: T) => boolean) => rows.flatMap((r, i) => (kept(r) ? [i] : []));
  const categories = state.categories.filter(keptCategory).map((c) => {
    if (!c.key) {
      c.key = keyFromLabel(firstText(c.label, languages), catKeys, 'category', '-');
      catKeys.add(c.key);
    }
    return { key: c.key, label: c.label };
  });
  const territory = state.communes.filter(keptCommune).map((c) => ({ postcode: c.postcode, name: c.name }));
  return {
    dto: {
      text: f.text,
      categories,
      territory,
      goalMinCents: euros('goalMinEuros'),
      goalMaxCents: euros('goalMaxEuros'),
      deadline: deadline?.toISOString(),
      onePerApplicant: f.onePerApplicant === 'yes',
      allowEditAfterSubmit: f.allowEditAfterSubmit === 'yes',
      form,
      receiptPrefix: f.receiptPrefix ?? '',
    },
    problems,
    rowOf,
    categoryRowOf: indexes(state.categories, keptCategory),
    communeRowOf: indexes(state.communes, keptCommune),
  };
}

const formHasAny = (value: Localized) => Object.keys(cleanLocalized(value)).length > 0;

/**
 * A pasted list of communes: one a line, "59100 Roubaix", or a CSV from the official list
 * (`code_postal;nom_commune`, or with the INSEE code, `;` or `,` separated, a header line or not).
 */
export function parseCommuneList(pasted: string): Array<{ postcode: string; name: string }> {
  const lines = pasted
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!lines.length) return [];
  const sep = lines.some((l) => l.includes(';')) ? ';' : lines.some((l) => l.includes(',')) ? ',' : lines.some((l) => l.includes('\t')) ? '\t' : null;
  const cells = (l: string) =>
    (sep ? l.split(sep) : [l]).map((c) =>
      c
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    );
  const code = /^\d[0-9AB]\d{3}$/i;
  let postcodeCol = -1;
  let nameCol = -1;
  const header = cells(lines[0]);
  if (sep && !header.some((c) => code.test(c))) {
    const norm = header.map((h) =>
      h
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase(),
    );
    postcodeCol = norm.findIndex((h) => h.includes('postal') || h === 'cp');
    nameCol = norm.findIndex((h) => (h.includes('nom') || h.includes('commune') || h.includes('libelle')) && !h.includes('insee') && !h.includes('code'));
    lines.shift();
  }
  const out: Array<{ postcode: string; name: string }> = [];
  for (const line of lines) {
    let postcode = '';
    let name = '';
    if (!sep) {
      const m = /^(\S+)\s+(.+)$/.exec(line);
      if (m) [postcode, name] = code.test(m[1]) ? [m[1], m[2]] : [m[2], m[1]];
      else continue;
    } else {
      const row = cells(line);
      if (postcodeCol >= 0 && nameCol >= 0) {
        postcode = row[postcodeCol] ?? '';
        name = row[nameCol] ?? '';
      } else {
        const numeric = row.map((c, i) => (code.test(c) ? i : -1)).filter((i) => i >= 0);
        // The official list puts the INSEE code first, then the name, then the postcode.
        const pc = numeric.length > 1 ? numeric[1] : numeric[0];
        postcode = pc === undefined ? '' : row[pc];
        name = row.find((c, i) => !numeric.includes(i) && c) ?? '';
      }
    }
    if (!postcode && !name) continue;
    // The official list writes names in capitals: "VILLENEUVE D ASCQ" reads "Villeneuve D Ascq".
    if (name === name.toUpperCase() && /[A-Z]/.test(name))
      name = name.toLowerCase().replace(/(^|[\s'-])(\p{L})/gu, (_, a: string, b: string) => a + b.toUpperCase());
    if (!out.some((c) => c.postcode === postcode && c.name.toLowerCase() === name.toLowerCase())) out.push({ postcode, name });
  }
  return out;
}
