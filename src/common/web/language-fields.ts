import { cleanLocalized, pickLocalized, type Locale, type Localized } from '../i18n/localized.js';
import { sharedTranslations } from './i18n.js';

/** What the text-per-language partial shows for one language of one field. */
export interface LanguageField {
  lang: Locale;
  /** The language in itself ("Nederlands"), the field's label. */
  nativeName: string;
  /** The default language's input has the field's own id, so that an error summary link lands on it. */
  id: string;
  inputName: string;
  value: string;
  required: boolean;
  /** Empty in another language while the default one is written: the editor marks it as to translate. */
  missing: boolean;
}

export interface ContentLanguages {
  languages: readonly Locale[];
  defaultLocale: Locale;
}

/** The default language first, then the authority's other languages in their order. */
export function editorLanguages(t: ContentLanguages): Locale[] {
  return [t.defaultLocale, ...t.languages.filter((l) => l !== t.defaultLocale)];
}

/**
 * One input per language the authority offers for a Localized field named `name`: the submitted
 * form's values when it is shown again with errors (`typed`), else what is stored.
 */
export function languageFields(
  name: string,
  stored: Localized | null | undefined,
  typed: Record<string, unknown> | undefined,
  tenant: ContentLanguages,
  options: { required?: boolean } = {},
): LanguageField[] {
  const translations = sharedTranslations();
  const textOf = (lang: Locale) => {
    const raw = typed ? typed[`${name}.${lang}`] : stored?.[lang];
    return typeof raw === 'string' ? raw : '';
  };
  // Nothing written yet (a new form) is not "to translate": only a text missing next to the default's.
  const written = !!textOf(tenant.defaultLocale).trim();
  return editorLanguages(tenant).map((lang) => {
    const value = textOf(lang);
    const isDefault = lang === tenant.defaultLocale;
    return {
      lang,
      nativeName: translations.nativeName(lang),
      id: isDefault ? `field-${name}` : `field-${name}.${lang}`,
      inputName: `${name}.${lang}`,
      value,
      required: isDefault && !!options.required,
      missing: written && !isDefault && !value.trim(),
    };
  });
}

/** A submitted form's `<name>.<lang>` inputs as a Localized map (the authority's languages only, untrimmed). */
export function localizedFromForm(body: Record<string, unknown>, name: string, languages: readonly Locale[]): Record<Locale, string> {
  const out: Record<Locale, string> = {};
  for (const lang of languages) {
    const v = body[`${name}.${lang}`];
    if (typeof v === 'string') out[lang] = v;
  }
  return out;
}

/** Whether a submitted Localized map has any text (a form row left empty is dropped). */
export function formHasText(value: Record<string, string>): boolean {
  return Object.keys(cleanLocalized(value)).length > 0;
}

/** The text in `locale`, else the authority's default, else its other languages (CSV cells, e-mail subjects). */
export function textIn(value: Localized | null | undefined, locale: Locale, tenant: ContentLanguages): string {
  return pickLocalized(value, locale, [tenant.defaultLocale, ...tenant.languages])?.text ?? '';
}
