import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, registerDecorator, type ValidationOptions } from 'class-validator';
import { DomainError, fieldProblem, type FieldProblem } from '../errors/domain-error.js';
import { sharedTranslations } from '../web/i18n.js';
import type { Locale } from './localized.js';

/** The languages this installation has a catalogue for (templates/i18n/<lang>.json). */
export function installedLocales(): readonly Locale[] {
  return sharedTranslations().locales;
}

/**
 * A language this installation has a catalogue for (`fr`, `en`, `nl`…); with `{ each: true }`, every
 * item of a list. Whether the authority offers it is the service's check (see assertOffered).
 */
export function IsLocale(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isLocale',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: ({ property }) => `${property} must be one of: ${installedLocales().join(', ')}`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && sharedTranslations().isLocale(value) },
    });
}

/** Languages come as a list (API, or several checkboxes) or as one value (one checkbox ticked, `fr,en`). */
const languageList = ({ value }: { value: unknown }) => {
  const list = typeof value === 'string' ? value.split(/[\s,]+/) : value;
  return Array.isArray(list) ? list.map((l) => String(l).trim().toLowerCase()).filter(Boolean) : list;
};

/** An authority's `languages` field (platform and branding DTOs): optional, a list of installed languages. */
export function LanguageListField(description: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ type: [String], example: ['fr', 'en', 'nl'], description }),
    IsOptional(),
    Transform(languageList),
    IsArray(),
    ArrayMaxSize(20),
    IsLocale({ each: true }),
  );
}

/** Refuses (400, naming the field) a language the authority does not offer. */
export function assertOffered(languages: readonly Locale[], locale: Locale | null | undefined, field = 'locale'): void {
  if (locale === null || locale === undefined || languages.includes(locale)) return;
  throw new DomainError('VALIDATION_FAILED', {}, [fieldProblem(field, 'validation.languagesUnknown', { values: languages.join(', ') })]);
}

/**
 * An authority's languages and default, as they would be after a change: at least one language, each
 * installed, none twice, and the default one of them. Problems name the field that is wrong.
 */
export function languageProblems(
  languages: readonly Locale[],
  defaultLocale: Locale,
  fields: { languages: string; defaultLocale: string } = { languages: 'languages', defaultLocale: 'defaultLocale' },
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const installed = installedLocales();
  if (languages.length === 0) problems.push(fieldProblem(fields.languages, 'validation.languagesEmpty'));
  const unknown = languages.filter((l) => !installed.includes(l));
  if (unknown.length) problems.push(fieldProblem(fields.languages, 'validation.languagesUnknown', { values: installed.join(', ') }));
  if (new Set(languages).size !== languages.length) problems.push(fieldProblem(fields.languages, 'validation.languagesRepeated'));
  if (languages.length && !languages.includes(defaultLocale)) {
    problems.push(fieldProblem(fields.defaultLocale, 'validation.defaultNotInLanguages', { values: languages.join(', ') }));
  }
  return problems;
}
