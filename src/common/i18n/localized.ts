/**
 * Text written by people (a programme's title, a campaign's story, a reward) in each language the
 * authority offers: one map per field, `{ fr: "…", en: "…", nl: "…" }`, stored as JSONB. Plain
 * TypeScript, used by domain code, services, DTOs and views alike.
 */
export type Locale = string;

/** Text people write, one entry per language (`{ "fr": "…", "en": "…", "nl": "…" }`): a language may be missing. */
export type Localized = Readonly<Record<Locale, string>>;

/** What a reader gets: the text and the language it is written in (which may be a fallback's). */
export interface LocalizedText {
  text: string;
  lang: Locale;
}

/**
 * The text in the reader's language, else in the first fallback that has one (the authority's default
 * language first), else in any language written; undefined when nothing is written at all.
 */
export function pickLocalized(value: Localized | null | undefined, locale: Locale, fallbacks: readonly Locale[] = []): LocalizedText | undefined {
  if (!value || typeof value !== 'object') return undefined;
  for (const lang of [locale, ...fallbacks]) {
    const text = value[lang];
    if (typeof text === 'string' && text.trim()) return { text, lang };
  }
  for (const [lang, text] of Object.entries(value)) if (typeof text === 'string' && text.trim()) return { text, lang };
  return undefined;
}

/** The text alone, '' when nothing is written (e-mail subjects, CSV cells, attributes). */
export function localizedText(value: Localized | null | undefined, locale: Locale, fallbacks: readonly Locale[] = []): string {
  return pickLocalized(value, locale, fallbacks)?.text ?? '';
}

/** The languages among `languages` that have no text yet (what an editor shows as missing). */
export function missingLanguages(value: Localized | null | undefined, languages: readonly Locale[]): Locale[] {
  return languages.filter((lang) => !value?.[lang]?.trim());
}

/** Trimmed, empty languages dropped: what is stored. */
export function cleanLocalized(value: Record<string, unknown> | null | undefined): Record<Locale, string> {
  const out: Record<Locale, string> = {};
  for (const [lang, text] of Object.entries(value ?? {})) if (typeof text === 'string' && text.trim()) out[lang] = text.trim();
  return out;
}

/** One text in one language (seeds, tests, content written before a second language is offered). */
export function inLanguage(lang: Locale, text: string): Localized {
  return text ? { [lang]: text } : {};
}

/** Whether anything is written in any language. */
export function hasText(value: Localized | null | undefined): boolean {
  return pickLocalized(value, '') !== undefined;
}

/** Where a reader's language has no text: the authority's default language, then its other languages. */
export function contentFallbacks(tenant: { defaultLocale: Locale; languages?: readonly Locale[] | null }): Locale[] {
  return [tenant.defaultLocale, ...(tenant.languages ?? [])];
}

/** The languages an editor shows, the authority's default first (also the order of "key | label | …" columns). */
export function editorLanguages(tenant: { defaultLocale: Locale; languages?: readonly Locale[] | null }): Locale[] {
  return [tenant.defaultLocale, ...(tenant.languages ?? []).filter((l) => l !== tenant.defaultLocale)];
}
