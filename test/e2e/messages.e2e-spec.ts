import { createPerson, createProgramme, createTenant } from '../factories/index.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** Issue 15: API problem bodies in the reader's language (Accept-Language, then the authority's default). */
describe('messages in the reader’s language', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives the title and detail of an API error in the language asked for, then the authority’s', async () => {
    const city = await createTenant(t, { defaultLocale: 'fr' });
    const staff = await createPerson(t, city, 'staff');
    const p = await createProgramme(t, city, staff);
    const move = (lang?: string) => {
      const req = t.http().post(`/api/programmes/${p.id}/transitions`).set(staff.headers);
      return (lang ? req.set('Accept-Language', lang) : req).send({ to: 'jury', reason: 'skip ahead' });
    };
    const fr = await move('fr-FR,fr;q=0.9,en;q=0.5');
    expect([fr.status, fr.body.title, fr.body.detail]).toEqual([
      409,
      'Un programme ne peut pas passer de « Brouillon » à « Jury »',
      'Un programme ne peut pas passer de « Brouillon » à « Jury ».',
    ]);
    const en = await move('en-US,en;q=0.9');
    expect([en.status, en.body.title, en.body.detail]).toEqual([
      409,
      'A programme cannot move from “Draft” to “Jury”',
      'A programme cannot move from “Draft” to “Jury”.',
    ]);
    // A language the authority does not offer, or none: its default.
    for (const res of [await move('de-DE'), await move()]) expect(res.body.detail).toBe('Un programme ne peut pas passer de « Brouillon » à « Jury ».');
    const english = await createTenant(t, { defaultLocale: 'en' });
    const englishStaff = await createPerson(t, english, 'staff');
    const q = await createProgramme(t, english, englishStaff);
    const res = await t.http().post(`/api/programmes/${q.id}/transitions`).set(englishStaff.headers).send({ to: 'jury', reason: 'skip ahead' });
    expect(res.body.detail).toBe('A programme cannot move from “Draft” to “Jury”.');
    for (const body of [fr.body, en.body, res.body]) expect(JSON.stringify(body)).not.toMatch(/\{\w+\}|\(\s*\)/);
  });

  it('gives validation messages in the language asked for, with the field’s label and its path', async () => {
    const city = await createTenant(t, { defaultLocale: 'fr' });
    const staff = await createPerson(t, city, 'staff');
    const send = (lang: string) =>
      t
        .http()
        .post('/api/programmes')
        .set(staff.headers)
        .set('Accept-Language', lang)
        .send({ slug: 'Bad Slug', title: { fr: 'Titre', en: 'Title' } });
    const fr = await send('fr');
    expect(fr.status).toBe(400);
    expect(fr.body.title).toBe('Certains champs ne sont pas valides');
    expect(fr.body.errors).toEqual([
      {
        field: 'slug',
        message: 'Adresse (identifiant) : doit compter de 2 à 81 lettres minuscules, chiffres ou tirets, et commencer par une lettre ou un chiffre.',
      },
    ]);
    const en = await send('en');
    expect(en.body.errors).toEqual([
      { field: 'slug', message: 'Address (slug): must be 2 to 81 lower-case letters, digits or dashes, starting with a letter or digit.' },
    ]);
  });
});
