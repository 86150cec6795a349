import type { Locale } from '../i18n/localized.js';
import { sharedTranslations } from './i18n.js';

export interface LanguageOption {
  locale: Locale;
  /** The language's name in itself ("Nederlands"). */
  name: string;
  checked: boolean;
  isDefault: boolean;
}

/** A submitted list of languages: one ticked checkbox sends a string, several an array. */
export function asLanguageList(value: unknown): Locale[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' && value ? value.split(/[\s,]+/).filter(Boolean) : [];
}

/** One option per installed catalogue, for the languages checkboxes and the default-language select. */
export function languageOptions(languages: unknown, defaultLocale: unknown): LanguageOption[] {
  const t = sharedTranslations();
  const ticked = asLanguageList(languages);
  return t.locales.map((locale) => ({ locale, name: t.nativeName(locale), checked: ticked.includes(locale), isDefault: locale === defaultLocale }));
}
