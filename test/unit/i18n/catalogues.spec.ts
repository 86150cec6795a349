import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { Translations } from '../../../src/common/web/i18n.js';
import { findTemplatesDir } from '../../../src/common/web/template-dir.js';

/**
 * The installed catalogues (templates/i18n/<lang>.json; `*.additions.json` are drafts merged later):
 * same keys as French, valid ICU, the same arguments in every language, real plurals.
 */
const dir = join(findTemplatesDir(), 'i18n');
const catalogues = new Map<string, Record<string, string>>(
  readdirSync(dir)
    .filter((f) => /^[a-z]{2,3}\.json$/.test(f))
    .sort()
    .map((f) => [f.slice(0, -5), JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, string>]),
);
const fr = catalogues.get('fr')!;
const others = [...catalogues.keys()].filter((l) => l !== 'fr');

interface Node {
  type: number;
  value?: unknown;
  options?: Record<string, { value: Node[] }>;
}

/** Parsed as Translations does it: apostrophes are text, so they are doubled before ICU sees them. */
function ast(source: string, tag: string): Node[] {
  return new IntlMessageFormat(source.replace(/'/g, "''"), tag, undefined, { ignoreTag: true }).getAst() as Node[];
}

function argumentNames(nodes: Node[], out = new Set<string>()): Set<string> {
  for (const n of nodes) {
    // 0 literal, 7 pound (#), 8 tag: everything else names an argument.
    if (n.type !== 0 && n.type !== 7 && typeof n.value === 'string') out.add(n.value);
    for (const option of Object.values(n.options ?? {})) argumentNames(option.value, out);
  }
  return out;
}

function pluralsWithoutOther(nodes: Node[], out: string[] = []): string[] {
  for (const n of nodes) {
    if ((n.type === 5 || n.type === 6) && !('other' in (n.options ?? {}))) out.push(String(n.value));
    for (const option of Object.values(n.options ?? {})) pluralsWithoutOther(option.value, out);
  }
  return out;
}

describe('message catalogues', () => {
  it('installs French, English and Dutch', () => {
    expect([...catalogues.keys()]).toEqual(expect.arrayContaining(['fr', 'en', 'nl']));
  });

  it.each(others)('%s has exactly the keys of fr.json', (lang) => {
    const keys = Object.keys(catalogues.get(lang)!);
    expect(keys.filter((k) => !(k in fr))).toEqual([]);
    expect(Object.keys(fr).filter((k) => !keys.includes(k))).toEqual([]);
  });

  it.each([...catalogues.keys()])('%s names its Intl tag and itself', (lang) => {
    const c = catalogues.get(lang)!;
    expect(c['meta.intl']).toMatch(/^[a-z]{2,3}(-[A-Z]{2})?$/);
    expect(new Intl.Locale(c['meta.intl']).language).toBe(lang);
    expect(c['meta.name']).toBeTruthy();
  });

  it.each([...catalogues.keys()])('every %s message parses as ICU, with an "other" case in each plural and select', (lang) => {
    const c = catalogues.get(lang)!;
    const broken: string[] = [];
    for (const [key, value] of Object.entries(c)) {
      expect(typeof value).toBe('string');
      try {
        const missingOther = pluralsWithoutOther(ast(value, c['meta.intl']));
        if (missingOther.length) broken.push(`${key}: no "other" for ${missingOther.join(', ')}`);
      } catch (e) {
        broken.push(`${key}: ${(e as Error).message}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(others)('%s uses the same argument names as French in every message', (lang) => {
    const c = catalogues.get(lang)!;
    const differ: string[] = [];
    for (const [key, value] of Object.entries(fr)) {
      if (!(key in c)) continue;
      const a = [...argumentNames(ast(value, 'fr-FR'))].sort().join(',');
      const b = [...argumentNames(ast(c[key], c['meta.intl']))].sort().join(',');
      if (a !== b) differ.push(`${key}: fr {${a}} ${lang} {${b}}`);
    }
    expect(differ).toEqual([]);
  });

  it.each([...catalogues.keys()])('%s writes no "(s)"-style plural or gender', (lang) => {
    const found = Object.entries(catalogues.get(lang)!)
      .filter(([, v]) => /\p{L}\((s|e|es|en|x|n|nen|ën)\)/iu.test(v))
      .map(([k, v]) => `${k}: ${v}`);
    expect(found).toEqual([]);
  });
});

describe('plurals as each language counts', () => {
  const tr = new Translations(findTemplatesDir());

  it('French says "0 contributeur" and "1 contributeur", English "0 contributors"', () => {
    expect([0, 1, 2].map((count) => tr.t('fr', 'progress.contributors', { count }))).toEqual(['0 contributeur', '1 contributeur', '2 contributeurs']);
    expect([0, 1, 2].map((count) => tr.t('en', 'progress.contributors', { count }))).toEqual(['0 contributors', '1 contributor', '2 contributors']);
    expect([0, 1, 2].map((count) => tr.t('nl', 'progress.contributors', { count }))).toEqual(['0 bijdragers', '1 bijdrager', '2 bijdragers']);
  });

  it('formats the count of a plural for the language', () => {
    expect(tr.t('fr', 'progress.contributors', { count: 1234 }).replace(/\s/gu, ' ')).toBe('1 234 contributeurs');
    expect(tr.t('en', 'progress.contributors', { count: 1234 })).toBe('1,234 contributors');
    expect(tr.t('nl', 'progress.contributors', { count: 1234 })).toBe('1.234 bijdragers');
  });

  it('agrees the words with more than one number', () => {
    expect(tr.t('fr', 'platform.authority.isActive', { programmes: 1, staff: 3 })).toBe('Active : 1 programme, 3 agents.');
    expect(tr.t('en', 'coaching.progress', { done: 0, total: 1 })).toBe('0 of 1 required deliverable validated');
    expect(tr.t('fr', 'coaching.progress', { done: 2, total: 3 })).toBe('2 livrables requis validés sur 3');
  });
});
