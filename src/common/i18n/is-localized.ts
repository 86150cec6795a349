import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { sharedTranslations } from '../web/i18n.js';

export interface IsLocalizedOptions {
  /** At least one language must have a non-empty text. */
  required?: boolean;
  /** The longest text allowed in each language. */
  maxLength?: number;
}

/** Why a value is not a Localized map, or undefined when it is one (shared by the decorator and its tests). */
export function localizedProblem(value: unknown, options: IsLocalizedOptions = {}): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object of texts by language';
  const translations = sharedTranslations();
  let written = false;
  for (const [lang, text] of Object.entries(value as Record<string, unknown>)) {
    if (!translations.isLocale(lang)) return `has an unknown language: ${lang}`;
    if (typeof text !== 'string') return `${lang} must be a text`;
    if (options.maxLength !== undefined && text.trim().length > options.maxLength) return `${lang} must be at most ${options.maxLength} characters`;
    if (text.trim()) written = true;
  }
  if (options.required && !written) return 'is required';
  return undefined;
}

/**
 * A text written by people in the languages the installation knows: `{ "fr": "…", "en": "…" }`.
 * Keys must be installed languages, values strings of at most `maxLength` characters; `required`
 * asks for at least one non-empty text. Services store it through `cleanLocalized`.
 */
export function IsLocalized(options: IsLocalizedOptions = {}, validationOptions?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isLocalized',
      target: target.constructor,
      propertyName: String(propertyName),
      options: validationOptions,
      validator: {
        validate: (value: unknown) => localizedProblem(value, options) === undefined,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${localizedProblem(args.value, options) ?? 'is invalid'}`,
      },
    });
  };
}

/** Swagger's picture of a Localized map: one text per language code. */
export const localizedSchema = (description: string, example: Record<string, string> = { fr: '…', en: '…' }) => ({
  type: 'object' as const,
  additionalProperties: { type: 'string' },
  description: `${description}: one text per language (\`{ "fr": "…", "en": "…" }\`), among the authority's languages`,
  example,
});
