import { type ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import type { Locale } from '../i18n/localized.js';
import { isMessage, isMoney, type MessageValues, renderMessage } from '../i18n/message.js';
import { formatList, formatMoney, formatNumber } from '../i18n/format.js';
import { sharedTranslations } from '../web/i18n.js';
import { DomainError, type FieldProblem, writeFieldProblemsWith } from './domain-error.js';

export { fieldProblem } from './domain-error.js';

/**
 * The catalogue key of each class-validator rule (`validation.<key>`) and the names of its constraint
 * values, in the order the decorator takes them (`@Length(min, max)`).
 */
const RULES: Record<string, { key: string; args?: string[] }> = {
  isLength: { key: 'isLength', args: ['min', 'max'] },
  minLength: { key: 'minLength', args: ['min'] },
  maxLength: { key: 'maxLength', args: ['max'] },
  min: { key: 'min', args: ['min'] },
  max: { key: 'max', args: ['max'] },
  arrayMinSize: { key: 'arrayMinSize', args: ['min'] },
  arrayMaxSize: { key: 'arrayMaxSize', args: ['max'] },
  isIn: { key: 'isIn', args: ['values'] },
  isEnum: { key: 'isIn' },
  isInt: { key: 'isInt' },
  isNumber: { key: 'isNumber' },
  isPositive: { key: 'isPositive' },
  isEmail: { key: 'isEmail' },
  isUrl: { key: 'httpLink' },
  isUuid: { key: 'isUuid' },
  isBoolean: { key: 'isBoolean' },
  isString: { key: 'isString' },
  isArray: { key: 'isArray' },
  isObject: { key: 'isObject' },
  isDefined: { key: 'required' },
  isNotEmpty: { key: 'required' },
  isIso8601: { key: 'isoDateTime' },
  isDateString: { key: 'isoDateTime' },
  matches: { key: 'matches' },
  isLocalized: { key: 'localized' },
  isLocale: { key: 'locale' },
  whitelistValidation: { key: 'whitelist' },
  nestedValidation: { key: 'nested' },
};

/** The constraint values of a failed rule, read from the DTO's decorators (`@Length(2, 120)` → min 2, max 120). */
function constraintsOf(e: ValidationError, rule: string): unknown[] {
  const target = e.target as object | undefined;
  if (!target) return [];
  const metas = getMetadataStorage().getTargetValidationMetadatas(target.constructor, '', true, false);
  const meta = metas.find((m) => m.propertyName === e.property && (m.name ?? m.type) === rule);
  return meta?.constraints ?? [];
}

/** A value as people read it: lists joined, everything else as is (numbers are formatted when rendered). */
function plain(value: unknown): MessageValues[string] {
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (value && typeof value === 'object') return Object.values(value).map(String).join(', ');
  return typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? value : null;
}

/**
 * class-validator errors, flattened to dotted field paths ("timeline.jury", "criteria.0.weight"), each
 * with its rule as a catalogue key (`validation.isLength`, or a DTO's own key such as
 * `validation.slugFormat` given as the decorator's message) and the rule's values (min, max, ...).
 * `message` is the English sentence until `localizeProblems` renders it in the reader's language.
 */
export function fieldProblems(errors: ValidationError[], prefix = ''): FieldProblem[] {
  const t = sharedTranslations();
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.entries(e.constraints ?? {}).map(([rule, text]): FieldProblem => {
      const spec = RULES[rule];
      const values: MessageValues = {};
      const constraints = constraintsOf(e, rule);
      spec?.args?.forEach((name, i) => {
        if (constraints[i] !== undefined) values[name] = plain(constraints[i]);
      });
      if (rule === 'isEnum' && constraints[0]) values.values = plain(constraints[0]);
      for (const [name, v] of Object.entries((e.contexts?.[rule] ?? {}) as Record<string, unknown>)) values[name] = plain(v);
      // A DTO's own message names a catalogue key when it says more than the rule (a slug's format).
      let key = t.has(text) ? text : spec ? `validation.${spec.key}` : undefined;
      if (key === 'validation.isLength' && values.max === undefined) key = 'validation.minLength';
      return key ? withMessage({ field, message: text, key, values }, 'en') : { field, message: text, rule };
    });
    return [...own, ...fieldProblems(e.children ?? [], field)];
  });
}

/**
 * The label of a field as the catalogue names it (`field.<path>`, then `field.<last name>`:
 * "evidence.url" → `field.url`, then the object it is in: "form.website" → `field.form`); the path
 * itself when the catalogue has none.
 */
export function fieldLabel(field: string, locale: Locale): string {
  const t = sharedTranslations();
  const names = field.split('.').filter((s) => !/^\d+$/.test(s));
  for (const key of [`field.${names.join('.')}`, `field.${names.at(-1)}`, `field.${names[0]}`]) if (t.has(key)) return t.t(locale, key);
  return field;
}

/** A page's own names for some fields (the questions of a call's form); undefined for the others. */
export type FieldLabels = (field: string) => string | undefined;

function withMessage(p: FieldProblem, locale: Locale, labels?: FieldLabels): FieldProblem {
  if (!p.key) return p;
  const values: Record<string, unknown> = { ...p.values, label: labels?.(p.field) ?? fieldLabel(p.field, locale) };
  const t = sharedTranslations();
  for (const [k, v] of Object.entries(values)) {
    // A count in a plural stays a number (ICU formats it); a bound shown as is gets the language's separators.
    if (typeof v === 'number' && !new RegExp(`\\{${k}, (plural|number)`).test(t.catalogue(locale)[p.key] ?? '')) values[k] = formatNumber(v, locale, 3);
    else if (isMessage(v)) values[k] = renderMessage((l, key, vs) => t.t(l, key, vs), locale, v);
    else if (isMoney(v)) values[k] = formatMoney(v.cents, locale);
  }
  if (typeof p.values?.values === 'string') values.values = formatList(p.values.values.split(', '), locale, 'disjunction');
  return { ...p, message: t.t(locale, p.key, values) };
}

/**
 * Field problems in a language: those that carry a catalogue key are rendered again, unless a page
 * reworded one (its message is then none of the catalogue's renderings, and is kept as the page wrote it).
 */
export function localizeProblems(problems: readonly FieldProblem[], locale: Locale, labels?: FieldLabels): FieldProblem[] {
  return problems.map((p) => {
    if (!p.key) return p;
    const ours =
      p.message === p.key ||
      sharedTranslations().locales.some((l) => withMessage(p, l).message === p.message || withMessage(p, l, labels).message === p.message);
    return ours ? withMessage(p, locale, labels) : p;
  });
}

// Problems that services build (fieldProblem) read in English until a page or the API says them in its language.
writeFieldProblemsWith((p) => withMessage(p, 'en').message);

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // The target lets fieldProblems read the rules' values (min, max); it is not sent to anyone.
    validationError: { target: true, value: false },
    exceptionFactory: (errors) => new DomainError('VALIDATION_FAILED', {}, fieldProblems(errors)),
  });
}
