import { validateSync } from 'class-validator';
import { IsLocalized, localizedProblem } from '../../../src/common/i18n/is-localized.js';
import { languageFields, localizedFromForm } from '../../../src/common/web/language-fields.js';

class Dto {
  @IsLocalized({ required: true, maxLength: 5 }) title: unknown;
  @IsLocalized({ maxLength: 5 }) summary: unknown;
}

const problems = (title: unknown, summary: unknown = {}) => validateSync(Object.assign(new Dto(), { title, summary })).map((e) => e.property);

describe('IsLocalized: a text per installed language', () => {
  it('accepts a map of installed languages with texts within the length', () => {
    expect(problems({ fr: 'Vélo', en: 'Bike' })).toEqual([]);
    expect(problems({ fr: 'Vélo', en: '' }, { en: '  ' })).toEqual([]);
  });

  it('refuses a string, an array, an unknown language, a non-text, a long text and, when required, nothing written', () => {
    expect(problems('Vélo')).toEqual(['title']);
    expect(problems(['Vélo'])).toEqual(['title']);
    expect(problems({ xx: 'Vélo' })).toEqual(['title']);
    expect(problems({ fr: 3 })).toEqual(['title']);
    expect(problems({ fr: 'Bicyclette' })).toEqual(['title']);
    expect(problems({ fr: ' ', en: '' })).toEqual(['title']);
    expect(problems({ fr: 'Vélo' }, null)).toEqual(['summary']);
    expect(localizedProblem({ xx: 'a' })).toContain('"xx"');
  });
});

describe('one field per language in the editors', () => {
  const tenant = { languages: ['fr', 'en'], defaultLocale: 'en' };

  it('puts the default language first, required, with the id an error summary links to; the others marked missing when empty', () => {
    const fields = languageFields('title', { fr: 'Vélo' }, undefined, tenant, { required: true });
    expect(fields.map((f) => [f.lang, f.id, f.inputName, f.value, f.required, f.missing])).toEqual([
      ['en', 'field-title', 'title.en', '', true, false],
      ['fr', 'field-title.fr', 'title.fr', 'Vélo', false, false],
    ]);
    expect(fields[0].nativeName).toBe('English');
    expect(languageFields('title', { en: 'Bike' }, undefined, tenant)[1]).toMatchObject({ lang: 'fr', missing: true, nativeName: 'Français' });
  });

  it('shows what was typed when the form comes back with errors, and reads the offered languages only', () => {
    const typed = { 'title.en': 'Bike', 'title.fr': '', 'title.de': 'Fahrrad' };
    expect(languageFields('title', { fr: 'Vélo' }, typed, tenant).map((f) => f.value)).toEqual(['Bike', '']);
    expect(localizedFromForm(typed, 'title', tenant.languages)).toEqual({ en: 'Bike', fr: '' });
  });
});
