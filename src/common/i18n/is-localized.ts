import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { sharedTranslations } from '../web/i18n.js';

export interface IsLocalizedOptions {
  /** At least one language must have a non-empty text. */
  required?: boolean;
  /** The longest text accepted in each language. */
  maxLength?: number;
}

/** Why a value is not a Localized map (undefined when it is one), for the message and for tests. */
export function localizedProblem(value: unknown, options: IsLocalizedOptions = {}): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object of language: text, e.g. { "fr": "…" }';
  const translations = sharedTranslations();
  let written = false;
  for (const [lang, text] of Object.entries(value as Record<string, unknown>)) {
    if (!translations.isLocale(lang)) return `has "${lang}", which is not a language of this installation (${translations.locales.join(', ')})`;
    if (typeof text !== 'string') return `must have a text for "${lang}"`;
    if (options.maxLength !== undefined && text.length > options.maxLength)
      return `must be at most ${options.maxLength} characters in "${lang}" (now ${text.length})`;
    if (text.trim()) written = true;
  }
  if (options.required && !written) return 'must have a text in at least one language';
  return undefined;
}

/**
 * Text people write in each language an authority offers, `{ "fr": "…", "en": "…" }`: a plain object
 * whose keys are installed languages and whose values are strings. Services store `cleanLocalized(...)`.
 * Use with @IsOptional() for a field that may be left out of a request.
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
        defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} ${localizedProblem(args?.value, options) ?? 'is not valid'}`,
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
