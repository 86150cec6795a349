import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Locale = 'fr' | 'en';

/** The visitor's chosen language (set by ?lang=). */
export const LOCALE_COOKIE = 'tremplin_lang';

export type Dictionary = Record<string, string>;

/** Page and e-mail wording, from templates/i18n/<locale>.json; keys are checked to exist in both languages. */
export class Translations {
  private readonly dicts: Record<Locale, Dictionary>;

  constructor(templatesDir: string) {
    this.dicts = {
      fr: JSON.parse(readFileSync(join(templatesDir, 'i18n', 'fr.json'), 'utf8')),
      en: JSON.parse(readFileSync(join(templatesDir, 'i18n', 'en.json'), 'utf8')),
    };
    const missing = [
      ...Object.keys(this.dicts.fr)
        .filter((k) => !(k in this.dicts.en))
        .map((k) => `en:${k}`),
      ...Object.keys(this.dicts.en)
        .filter((k) => !(k in this.dicts.fr))
        .map((k) => `fr:${k}`),
    ];
    if (missing.length) throw new Error(`Missing translations: ${missing.join(', ')}`);
  }

  t(locale: Locale, key: string, vars: Record<string, unknown> = {}): string {
    const text = this.dicts[locale][key] ?? key;
    return text.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] === undefined ? '' : String(vars[k])));
  }

  has(key: string): boolean {
    return key in this.dicts.en;
  }
}

export function pickLocale(...candidates: Array<string | null | undefined>): Locale {
  for (const c of candidates) if (c === 'fr' || c === 'en') return c;
  return 'fr';
}

/** The first of French or English in an Accept-Language header, by preference (q values); undefined if neither. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  const hit = ranked.find((x) => x.lang === 'fr' || x.lang === 'en');
  return hit?.lang as Locale | undefined;
}
