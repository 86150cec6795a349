import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { registerIntlTag, sharedMessageFormatters } from '../i18n/format.js';
import type { Locale } from '../i18n/localized.js';
import { findTemplatesDir } from './template-dir.js';

export type { Locale } from '../i18n/localized.js';

/** The visitor's chosen language (set by ?lang=). */
export const LOCALE_COOKIE = 'tremplin_lang';

export type Dictionary = Record<string, string>;

/** Every catalogue carries these: the tag `Intl` formats with ("fr-FR") and the language's own name ("Français"). */
const META_INTL = 'meta.intl';
const META_NAME = 'meta.name';

/**
 * Page, e-mail, PDF and error wording in ICU MessageFormat (plural, select, number), one catalogue per
 * language in templates/i18n/<lang>.json: a language is a catalogue plus an authority's setting.
 * Every catalogue must have the same keys. Apostrophes are plain text (French has many): ICU's
 * quoting is not used, so a lone `'` is doubled before parsing.
 */
export class Translations {
  private readonly dicts = new Map<Locale, Dictionary>();
  private readonly compiled = new Map<string, { mf: IntlMessageFormat; args: string[] } | string>();
  readonly locales: readonly Locale[];

  constructor(templatesDir: string) {
    const dir = join(templatesDir, 'i18n');
    for (const file of readdirSync(dir).sort()) {
      if (!/^[a-z]{2,3}\.json$/.test(file)) continue;
      this.dicts.set(file.slice(0, -5), JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dictionary);
    }
    this.locales = [...this.dicts.keys()];
    const reference = this.dicts.get('fr') ?? this.dicts.values().next().value!;
    const missing: string[] = [];
    for (const [lang, dict] of this.dicts) {
      for (const k of Object.keys(reference)) if (!(k in dict)) missing.push(`${lang}:${k}`);
      for (const k of Object.keys(dict)) if (!(k in reference)) missing.push(`fr:${k}`);
      for (const meta of [META_INTL, META_NAME]) if (!dict[meta]) missing.push(`${lang}:${meta}`);
    }
    if (missing.length) throw new Error(`Missing translations: ${missing.join(', ')}`);
    for (const [lang, dict] of this.dicts) registerIntlTag(lang, dict[META_INTL]);
  }

  isLocale(value: unknown): value is Locale {
    return typeof value === 'string' && this.dicts.has(value);
  }

  /** The BCP 47 tag `Intl` formats this language with. */
  intlTag(locale: Locale): string {
    return this.dicts.get(locale)?.[META_INTL] ?? locale;
  }

  /** The language's name in itself, for language switchers ("Nederlands"). */
  nativeName(locale: Locale): string {
    return this.dicts.get(locale)?.[META_NAME] ?? locale;
  }

  t(locale: Locale, key: string, vars: Record<string, unknown> = {}): string {
    const dict = this.dicts.get(locale) ?? this.dicts.get('fr')!;
    const source = dict[key];
    if (source === undefined) return key;
    const cacheKey = `${locale}\u0000${key}`;
    let entry = this.compiled.get(cacheKey);
    if (entry === undefined) {
      entry = /[{}]/.test(source) ? compile(source.replace(/'/g, "''"), this.intlTag(locale)) : source;
      this.compiled.set(cacheKey, entry);
    }
    if (typeof entry === 'string') return entry;
    // A value left out reads as nothing rather than failing the page.
    const values: Record<string, unknown> = {};
    for (const a of entry.args) values[a] = vars[a] ?? '';
    return String(entry.mf.format(values as Record<string, string>));
  }

  has(key: string): boolean {
    return key in (this.dicts.get('fr') ?? {});
  }

  keys(): string[] {
    return Object.keys(this.dicts.get('fr') ?? {});
  }

  /** The raw catalogue of a language (tests and tools). */
  catalogue(locale: Locale): Readonly<Dictionary> {
    return this.dicts.get(locale) ?? {};
  }
}

function compile(source: string, tag: string): { mf: IntlMessageFormat; args: string[] } {
  const mf = new IntlMessageFormat(source, tag, undefined, { ignoreTag: true, formatters: sharedMessageFormatters });
  return { mf, args: [...argumentsOf(mf.getAst() as AstNode[])] };
}

interface AstNode {
  type: number;
  value?: unknown;
  options?: Record<string, { value: AstNode[] }>;
}

function argumentsOf(nodes: AstNode[], out = new Set<string>()): Set<string> {
  for (const n of nodes) {
    // 0 literal, 7 pound, 8 tag: everything else names an argument.
    if (n.type !== 0 && n.type !== 7 && typeof n.value === 'string') out.add(n.value);
    for (const option of Object.values(n.options ?? {})) argumentsOf(option.value, out);
  }
  return out;
}

let shared: Translations | undefined;
/** The catalogues of this installation, loaded once (validators and plain functions need them without DI). */
export function sharedTranslations(): Translations {
  return (shared ??= new Translations(findTemplatesDir()));
}

/** The first candidate that is one of `offered`; the last resort is offered[0]. */
export function pickLocale(offered: readonly Locale[], ...candidates: Array<string | null | undefined>): Locale {
  for (const c of candidates) if (c && offered.includes(c)) return c;
  return offered[0] ?? 'fr';
}

/** The languages of an Accept-Language header, best first (q values, then order); region tags reduced to the language. */
export function languagesFromAcceptLanguage(header: string | undefined): Locale[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find(Boolean);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1, i };
    })
    .filter((x) => x.q > 0 && /^[a-z]{2,3}$/.test(x.lang))
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.lang);
}

/** The best of `offered` by an Accept-Language header; undefined if it names none of them. */
export function localeFromAcceptLanguage(header: string | undefined, offered: readonly Locale[]): Locale | undefined {
  return languagesFromAcceptLanguage(header).find((l) => offered.includes(l));
}
