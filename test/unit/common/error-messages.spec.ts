import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { DomainError, type ErrorCode } from '../../../src/common/errors/domain-error.js';
import { errorKey, ErrorMessages } from '../../../src/common/errors/error-messages.js';
import { sharedTranslations } from '../../../src/common/web/i18n.js';
import { ERROR_CATALOGUE } from '../../../src/error-catalogue.js';

/**
 * Every error code's message, in every installed language, with the details its throwers pass:
 * no `{placeholder}` left, no empty "()", and no placeholder the throwers do not fill.
 */
const root = join(import.meta.dirname, '../../..');
const translations = sharedTranslations();
const messages = new ErrorMessages(ERROR_CATALOGUE, translations);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The object literal starting at `open` (a `{`), by brace depth. */
function literalAt(src: string, open: number): string {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    if (src[i] === '{') depth++;
    else if (src[i] === '}' && --depth === 0) return src.slice(open + 1, i);
  }
  return '';
}

/** Top-level keys of an object literal's body; null when it spreads something (keys unknown). */
function keysOf(body: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of body.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '')) {
    if ('{[('.includes(ch)) depth++;
    if ('}])'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const keys: string[] = [];
  for (const part of parts.map((p) => p.trim()).filter(Boolean)) {
    if (part.startsWith('...')) return null;
    const m = /^(\w+)/.exec(part);
    if (m) keys.push(m[1]);
  }
  return keys;
}

interface ThrowSite {
  file: string;
  /** The details' keys; null when they are not a literal (a helper's result, a spread). */
  keys: string[] | null;
}

const sites = new Map<string, ThrowSite[]>();
for (const file of sourceFiles(join(root, 'src'))) {
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:new DomainError|juryError)\(\s*'([A-Z_]+)'\s*(,\s*)?/g)) {
    const after = m.index + m[0].length;
    const keys = !m[2] ? [] : src[after] === '{' ? keysOf(literalAt(src, after)) : null;
    sites.set(m[1], [...(sites.get(m[1]) ?? []), { file: file.slice(root.length + 1), keys }]);
  }
}

function argumentsOf(source: string): string[] {
  const out = new Set<string>();
  const walk = (nodes: Array<{ type: number; value?: unknown; options?: Record<string, { value: unknown[] }> }>) => {
    for (const n of nodes) {
      if (n.type !== 0 && n.type !== 7 && n.type !== 8 && typeof n.value === 'string') out.add(n.value);
      for (const o of Object.values(n.options ?? {})) walk(o.value as never);
    }
  };
  walk(new IntlMessageFormat(source.replace(/'/g, "''"), 'en', undefined, { ignoreTag: true }).getAst() as never);
  return [...out];
}

/** A plausible value for a detail: a real code when it is shown by its label, a number for counts. */
function sample(code: ErrorCode, name: string): unknown {
  const prefix = ERROR_CATALOGUE[code].labels?.[name];
  if (prefix)
    return translations
      .keys()
      .find((k) => k.startsWith(`${prefix}.`))!
      .slice(prefix.length + 1);
  if (/^(max|min|count|locked|capacity|maxDepth|maxMb|retryAfterSeconds|usedCents|usedEuros|sponsorsPerLaureate|value)$/.test(name)) return 3;
  if (name === 'reasons') return [{ key: 'guard.NO_TITLE' }];
  return `sample-${name}`;
}

const codes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
const nl = JSON.parse(readFileSync(join(root, 'templates/i18n/nl.json'), 'utf8')) as Record<string, string>;

describe('error messages', () => {
  it('finds the throwers', () => {
    expect(sites.get('PHASE_TRANSITION_NOT_ALLOWED')?.[0].keys).toEqual(['from', 'to']);
    expect(sites.size).toBeGreaterThan(80);
  });

  it.each(codes)('%s names only details its throwers pass', (code) => {
    for (const lang of translations.locales) {
      const args = argumentsOf(translations.catalogue(lang)[errorKey(code)] ?? '');
      for (const site of sites.get(code) ?? []) {
        if (!site.keys) continue;
        const missing = args.filter((a) => !site.keys!.includes(a));
        expect({ lang, site: site.file, missing }).toEqual({ lang, site: site.file, missing: [] });
      }
    }
  });

  it.each(codes)('%s reads as a sentence in every language', (code) => {
    const literal = (sites.get(code) ?? []).find((s) => s.keys)?.keys ?? [];
    const names = new Set([...literal, ...argumentsOf(translations.catalogue('en')[errorKey(code)])]);
    const details = Object.fromEntries([...names].map((n) => [n, sample(code, n)]));
    for (const lang of translations.locales) {
      const text = messages.message(new DomainError(code, details), lang);
      expect(text).not.toMatch(/[{}]|\(\s*\)|undefined|NaN|\[object|sample-(from|to|method|status)/);
      expect(text.length).toBeGreaterThan(5);
    }
    // Dutch: every code has its sentence there, with the same placeholders.
    expect(nl[errorKey(code)]).toBeTruthy();
    expect(argumentsOf(nl[errorKey(code)]).sort()).toEqual(argumentsOf(translations.catalogue('en')[errorKey(code)]).sort());
    expect(String(new IntlMessageFormat(nl[errorKey(code)].replace(/'/g, "''"), 'nl-NL').format(details as never))).not.toMatch(/[{}]|\(\s*\)/);
  });

  it('shows codes by their label in the reader’s language', () => {
    const err = new DomainError('PHASE_TRANSITION_NOT_ALLOWED', { from: 'draft', to: 'jury' });
    expect(messages.message(err, 'fr')).toBe('Un programme ne peut pas passer de « Brouillon » à « Jury ».');
    expect(messages.message(new DomainError('JURY_WRONG_METHOD', { method: 'borda' }), 'en')).toContain('“Ranking (Borda count)”');
    expect(messages.message(new DomainError('RATE_LIMITED', { retryAfterSeconds: 1 }), 'fr')).toBe('Trop de tentatives. Patientez 1 seconde.');
    expect(messages.message(new DomainError('MATCH_BUDGET_BELOW_USED', { usedCents: 450000, usedEuros: 4500 }), 'fr')).toMatch(/\(4\s500,00\s€\)/);
    expect(
      messages.message(new DomainError('PHASE_BLOCKED', { to: 'campaign', reasons: [{ key: 'guard.LAUREATES_NOT_READY', values: { count: 2 } }] }), 'en'),
    ).toBe('The programme cannot enter “Crowdfunding campaign” yet: 2 laureates are not ready for the campaign.');
  });
});
