import { sharedTranslations } from '../../../src/common/web/i18n.js';
import { ForeignTextIndex, linksOf, scanPage } from '../../setup/i18n-scan.js';

/** The rules of the language scan (test/e2e/i18n-scan.e2e-spec.ts) on pages written for them. */
describe('language scan rules', () => {
  const t = sharedTranslations();
  const foreign = new ForeignTextIndex(t, ['fr', 'en']);
  const frSentence = t.catalogue('fr')['me.sessionsHelp'];
  const page = (lang: string, body: string) => `<!doctype html><html lang="${lang}"><head><title>x</title></head><body>${body}</body></html>`;
  const kinds = (html: string, lang: string) => scanPage(html, lang, '/p', t, foreign).map((f) => `${f.kind}: ${f.text}`);

  it('passes a clean page', () => {
    expect(kinds(page('fr', '<p>4 500,00 €</p><p>2 jours restants</p><a href="/x" title="Voir">Voir</a>'), 'fr')).toEqual([]);
    expect(kinds(page('en', '<p>€4,500.00</p><p>42.5%</p>'), 'en')).toEqual([]);
  });

  it('finds placeholders, keys, (s) plurals and numbers written another way', () => {
    const found = kinds(page('fr', '<p>Bonjour {name}</p><p>me.title</p><p>3 jour(s)</p><p>4500.00</p><p>42.334</p><img alt="{count}" src="/a.png">'), 'fr');
    expect(found).toEqual(
      expect.arrayContaining([
        'placeholder: Bonjour {name}',
        'raw key: me.title',
        '(s) plural: 3 jour(s)',
        'number format: 4500.00',
        'number format: 42.334',
        'placeholder: img[alt]: {count}',
      ]),
    );
    expect(kinds(page('en', '<p>25,50 €</p>'), 'en')).toEqual(['number format: 25,50 €']);
  });

  it('checks <html lang> and a sentence of another language without its lang', () => {
    expect(kinds(page('fr', '<p>x</p>'), 'en')).toContain('html lang: <html lang="fr"> on a page asked in en');
    expect(kinds(page('en', `<p>${frSentence}</p>`), 'en').some((k) => k.startsWith('other language without lang: [fr]'))).toBe(true);
    expect(kinds(page('en', `<div lang="fr"><p>${frSentence}</p></div>`), 'en')).toEqual([]);
  });

  it('follows same-site links only, without downloads, files or sign-out', () => {
    const html =
      '<a href="/a?lang=fr">a</a><a href="http://localhost/b">b</a><a href="https://else.example/c">c</a><a href="/x.csv">d</a><a href="/me/sign-out-everywhere">e</a><a href="/f" download>f</a>';
    expect(linksOf(html, 'http://localhost')).toEqual(['/a', '/b']);
  });

  it('finds a text a person wrote in one language outside its lang, except in attributes and the title', () => {
    const index = new ForeignTextIndex(t, ['fr', 'en']);
    index.addContent('Ressourcerie de quartier', 'fr');
    const html = `<!doctype html><html lang="en"><head><title>Ressourcerie de quartier · City</title></head><body>
      <h1>Ressourcerie de quartier</h1><p><span lang="fr">Ressourcerie de quartier</span></p><img alt="Ressourcerie de quartier" src="/a.png"></body></html>`;
    expect(scanPage(html, 'en', '/p', t, index).map((f) => `${f.kind}: ${f.text}`)).toEqual(['other language without lang: [fr] Ressourcerie de quartier']);
  });

  it('finds an id or a JSON object shown to people, except inside a details disclosure', () => {
    const id = '97ef6d45-f1ec-47e3-be41-8f2fbe4f0590';
    const html = page(
      'fr',
      `<p>Dossier ${id}</p><textarea>[{ "key": "team" }]</textarea><details><summary>Détails</summary><code>${id} {"a": 1}</code></details>`,
    );
    expect(kinds(html, 'fr')).toEqual([`id shown as text: Dossier ${id}`, 'JSON shown: [{ "key": "team" }]']);
  });
});
