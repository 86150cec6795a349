import { DomUtils, parseDocument } from 'htmlparser2';
import type { Translations } from '../../src/common/web/i18n.js';

/** What the language scan finds wrong on a page (issue 15, point 4). */
export type FindingKind =
  | 'placeholder'
  | 'raw key'
  | '(s) plural'
  | 'number format'
  | 'html lang'
  | 'other language without lang'
  | 'id shown as text'
  | 'JSON shown'
  | 'server error'
  | 'dead link';

export interface Finding {
  kind: FindingKind;
  page: string;
  text: string;
}

type Node = ReturnType<typeof parseDocument>['children'][number];
interface Element {
  type: string;
  name: string;
  attribs: Record<string, string>;
  parent: Element | null;
  children: Node[];
}

/** Text people see or hear (element content, and these attributes). */
const TEXT_ATTRIBUTES = ['alt', 'title', 'placeholder', 'aria-label', 'aria-description', 'aria-roledescription', 'label', 'content', 'data-label'];
/** Identifiers and data shown as such (codes, JSON): not checked for keys and number formats. */
const CODE_ELEMENTS = new Set(['code', 'pre', 'kbd', 'samp']);
/** An id (UUID) or a JSON object written out: for people, only inside a `<details>` disclosure (issue 16). */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i;
const JSON_OBJECT = /[{[]\s*"[^"\n]{1,60}"\s*:/;
/** Never shown: code and styles. */
const SKIPPED_ELEMENTS = new Set(['script', 'style', 'noscript', 'template']);
/** `<meta content>` values that are text (not URLs, colours, locales). */
const TEXT_META = /^(description|og:title|og:description|og:site_name|og:image:alt|twitter:title|twitter:description|twitter:image:alt)$/;

const PLACEHOLDER = /\{\s*[A-Za-z_]\w*\s*(?:\}|,)/;
const PAREN_PLURAL = /\w\((?:s|x|es)\)/;
/** 4500.00: a number written by toFixed(2). */
const RAW_MONEY = /(?<![\d.,])\d{4,}\.\d{2}(?![\d])/;
/** 4500 € or € 4500: money without grouping. */
const UNGROUPED_MONEY = /(?<![\d.,\u00a0\u202f ])\d{4,}(?:[.,]\d+)?\s?€|€\s?\d{4,}(?![\d])/;
/** Numbers with a point or a comma inside ("25.50", "4,500", "42.334"), not dates, versions or addresses. */
const SEPARATED_NUMBER = /(?<![\w.,/:-])\d+(?:[.,]\d+)+(?![\w/:-]|[.,]\d)/g;

/** The decimal and grouping separators of a language (by its catalogue's Intl tag). */
function separatorsOf(tag: string): { decimal: string; group: string } {
  const parts = new Intl.NumberFormat(tag).formatToParts(12345.6);
  return { decimal: parts.find((p) => p.type === 'decimal')?.value ?? '.', group: parts.find((p) => p.type === 'group')?.value ?? ',' };
}

/**
 * Whether a number with points or commas is written another language's way: a separator the language
 * uses for neither decimals nor groups (a point in French), or its group separator not followed by
 * exactly three digits (used as a decimal: "25,50" in English, "25.50" in Dutch).
 */
function wronglySeparated(token: string, sep: { decimal: string; group: string }): boolean {
  const pieces = token.split(/([.,])/);
  for (let i = 1; i < pieces.length; i += 2) {
    const c = pieces[i];
    if (c !== sep.decimal && c !== sep.group) return true;
    if (c === sep.group && pieces[i + 1].length !== 3) return true;
  }
  return false;
}

/**
 * A catalogue's texts that only that language has, to tell a text in another language: each value (or
 * each literal part of a value with placeholders) longer than 15 characters, equal to no value of
 * another catalogue. Indexed by their first 16 characters for a fast scan of long texts.
 */
export class ForeignTextIndex {
  private readonly byPrefix = new Map<string, Array<{ text: string; lang: string; content?: boolean }>>();

  constructor(translations: Translations, languages: readonly string[]) {
    const chunksOf = (value: string): string[] =>
      /\{[^{}]*,\s*(plural|select|selectordinal)/.test(value)
        ? []
        : value
            .split(/\{[^{}]*\}/)
            .map(normalise)
            .filter((c) => c.length > 15);
    const all = new Map<string, Set<string>>();
    for (const lang of languages) {
      for (const [key, value] of Object.entries(translations.catalogue(lang))) {
        if (key.startsWith('meta.')) continue;
        for (const chunk of [normalise(value), ...chunksOf(value)]) {
          if (!all.has(chunk)) all.set(chunk, new Set());
          all.get(chunk)!.add(lang);
        }
      }
    }
    for (const [text, langs] of all) {
      if (langs.size !== 1 || text.length <= 15 || /[{}]/.test(text)) continue;
      const prefix = text.slice(0, 16);
      if (!this.byPrefix.has(prefix)) this.byPrefix.set(prefix, []);
      this.byPrefix.get(prefix)!.push({ text, lang: [...langs][0] });
    }
  }

  /**
   * A text people wrote in one language only (a campaign written in French): on a page in another
   * language it must sit inside an element marked with its `lang`, like a catalogue's text.
   */
  addContent(text: string, lang: string): void {
    const t = normalise(text);
    if (t.length <= 15) return;
    const prefix = t.slice(0, 16);
    if (!this.byPrefix.has(prefix)) this.byPrefix.set(prefix, []);
    this.byPrefix.get(prefix)!.push({ text: t, lang, content: true });
  }

  /** The catalogue texts of another language than `pageLang` found in `text`. */
  find(text: string, pageLang: string): Array<{ text: string; lang: string; content?: boolean }> {
    const s = normalise(text);
    const found: Array<{ text: string; lang: string; content?: boolean }> = [];
    for (let i = 0; i + 16 <= s.length; i++) {
      if (i > 0 && !/[\s(«"'“]/.test(s[i - 1])) continue; // texts start at a word
      for (const candidate of this.byPrefix.get(s.slice(i, i + 16)) ?? []) {
        if (candidate.lang !== pageLang && s.startsWith(candidate.text, i)) found.push(candidate);
      }
    }
    return found;
  }
}

function normalise(s: string): string {
  return s.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

function nearestLang(el: Element | null): string | undefined {
  for (let e = el; e; e = e.parent) if (e.type === 'tag' && e.attribs?.lang !== undefined) return e.attribs.lang.toLowerCase().split('-')[0];
  return undefined;
}

/** Every rule of the scan over one rendered page in `lang`. */
export function scanPage(html: string, lang: string, page: string, translations: Translations, foreign: ForeignTextIndex): Finding[] {
  const findings: Finding[] = [];
  const add = (kind: FindingKind, text: string) => findings.push({ kind, page, text: normalise(text).slice(0, 200) });
  const keys = new Set(translations.keys());
  const separators = separatorsOf(translations.intlTag(lang));
  const doc = parseDocument(html, { decodeEntities: true });

  const htmlEl = DomUtils.findOne((e) => e.name === 'html', doc.children, true) as unknown as Element | null;
  const htmlLang = htmlEl?.attribs.lang;
  if (htmlLang !== lang) add('html lang', `<html lang="${htmlLang ?? ''}"> on a page asked in ${lang}`);

  const checkText = (text: string, where: Element | null, what: string, inCode = false) => {
    const t = normalise(text);
    if (!t) return;
    const shown = what ? `${what}: ${t}` : t;
    if (PLACEHOLDER.test(t)) add('placeholder', shown);
    if (PAREN_PLURAL.test(t)) add('(s) plural', shown);
    if (!inCode && keys.has(t)) add('raw key', shown);
    if (!inCode && (RAW_MONEY.test(t) || UNGROUPED_MONEY.test(t) || [...t.matchAll(SEPARATED_NUMBER)].some((m) => wronglySeparated(m[0], separators)))) {
      add('number format', shown);
    }
    if (t.length > 15) {
      const marked = nearestLang(where) ?? htmlLang;
      for (const f of foreign.find(t, lang)) {
        // A person's text in an attribute, <title> or a meta tag cannot be marked with its language
        // (HTML has no lang for part of an attribute): only the catalogue's own texts must match there.
        if (f.content && (what || where?.name === 'title')) continue;
        // Nor in data shown as such (an audit entry's JSON): a title there is a value, not a sentence of the page.
        if (f.content && inCode) continue;
        if (marked !== f.lang) add('other language without lang', `[${f.lang}] ${f.text}${what ? ` (${what})` : ''}`);
      }
    }
  };

  const walk = (nodes: Node[], inHead: boolean, inCode: boolean, inDetails = false) => {
    for (const node of nodes) {
      if (node.type === 'text') {
        const parent = node.parent as unknown as Element | null;
        const data = (node as unknown as { data: string }).data;
        // In <head>, only the title is text.
        if (!inHead || parent?.name === 'title') checkText(data, parent, '', inCode);
        if (!inHead && !inDetails && UUID.test(data)) add('id shown as text', data);
        if (!inHead && !inDetails && JSON_OBJECT.test(data)) add('JSON shown', data);
        continue;
      }
      if (node.type !== 'tag' && node.type !== 'script' && node.type !== 'style') continue;
      const el = node as unknown as Element;
      if (SKIPPED_ELEMENTS.has(el.name)) continue;
      for (const attr of TEXT_ATTRIBUTES) {
        const value = el.attribs[attr];
        if (value === undefined) continue;
        if (attr === 'content' && !(el.name === 'meta' && TEXT_META.test(el.attribs.name ?? el.attribs.property ?? ''))) continue;
        checkText(value, el, `${el.name}[${attr}]`);
      }
      if (el.name === 'input' && /^(submit|button)$/.test(el.attribs.type ?? '') && el.attribs.value) checkText(el.attribs.value, el, 'input[value]');
      walk(el.children, inHead || el.name === 'head', inCode || CODE_ELEMENTS.has(el.name), inDetails || el.name === 'details');
    }
  };
  walk(doc.children, false, false);
  return findings;
}

/** The same-site pages a page links to (paths without ?lang=), downloads, files and sign-out left out. */
export function linksOf(html: string, origin: string): string[] {
  const doc = parseDocument(html);
  const out = new Set<string>();
  for (const a of DomUtils.findAll((e) => e.name === 'a' && !!e.attribs.href, doc.children)) {
    if (a.attribs.download !== undefined) continue;
    let href = a.attribs.href.trim();
    if (href.startsWith(origin)) href = href.slice(origin.length) || '/';
    if (!href.startsWith('/') || href.startsWith('//')) continue;
    href = href.split('#')[0];
    const path = stripLang(href);
    if (SKIPPED_LINK.test(path)) continue;
    out.add(path);
  }
  return [...out];
}

/** Sort links of a list show the same page in another order: not crawled (they would eat the cap). */
const SKIPPED_LINK =
  /[?&][a-z]?(sort|dir)=|^\/(api|platform|assets|files|uploads|healthz|readyz|metrics)(\/|$|\?)|sign-out|\/sign-in\/link\/|download|export|\/files?\/|\.(csv|xlsx|pdf|ics|zip|png|jpe?g|svg|webp|css|js|xml|txt)(\?|$)/i;

export function stripLang(href: string): string {
  return href.replace(/([?&])lang=[^&]*&?/, '$1').replace(/[?&]$/, '');
}

export function withLang(path: string, lang: string): string {
  return `${path}${path.includes('?') ? '&' : '?'}lang=${lang}`;
}

/** The findings as a readable list, grouped by kind; each distinct text once, with the pages it is on. */
export function formatFindings(findings: Finding[]): string {
  const byKind = new Map<FindingKind, Map<string, string[]>>();
  for (const f of findings) {
    if (!byKind.has(f.kind)) byKind.set(f.kind, new Map());
    const texts = byKind.get(f.kind)!;
    if (!texts.has(f.text)) texts.set(f.text, []);
    const pages = texts.get(f.text)!;
    if (!pages.includes(f.page)) pages.push(f.page);
  }
  const lines: string[] = [`${findings.length} findings over ${new Set(findings.map((f) => f.page)).size} pages`];
  for (const [kind, texts] of byKind) {
    lines.push('', `## ${kind} (${texts.size} distinct)`);
    for (const [text, pages] of texts) {
      lines.push(`- ${text}`, `    on ${pages.slice(0, 4).join(' , ')}${pages.length > 4 ? ` and ${pages.length - 4} more` : ''}`);
    }
  }
  return lines.join('\n');
}
