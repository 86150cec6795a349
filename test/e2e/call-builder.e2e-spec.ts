import { AuthService } from '../../src/auth/auth.service.js';
import { COMPLETE_APPLICATION, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescape(m[1]) : undefined;
};

/** What a browser sends for the editor's form: its inputs, checked boxes, text areas and selects (no button). */
function formFields(html: string): Record<string, string | string[]> {
  const at = html.indexOf('class="call-builder"');
  const form = html.slice(html.lastIndexOf('<form', at), html.indexOf('</form>', at));
  const out: Record<string, string | string[]> = {};
  const put = (name: string, value: string) => {
    const had = out[name];
    out[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  };
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    if (!name) continue;
    const type = attr(tag, 'type') ?? 'text';
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    put(name, attr(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''));
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attr(m[1], 'name');
    if (name) put(name, unescape(m[2]));
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attr(m[1], 'name');
    const first = /<option value="([^"]*)"/.exec(m[2]);
    const selected = /<option value="([^"]*)" selected/.exec(m[2]);
    if (name) put(name, unescape((selected ?? first)?.[1] ?? ''));
  }
  return out;
}

/** The HTML of question row n (its fieldset). */
function questionRow(html: string, n: number): string {
  const start = html.indexOf(`<fieldset id="field-q-${n}"`);
  if (start < 0) throw new Error(`no question row ${n}`);
  const next = html.indexOf('<fieldset id="field-q-', start + 10);
  const end = next > 0 ? next : html.indexOf('class="builder-add"', start);
  return html.slice(start, end);
}

/** The staff's call builder: questions, options, categories and communes as rows of a form that needs no JavaScript. */
describe('call builder (no JavaScript)', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  let browser: ReturnType<TestApp['http']>;
  let path: string;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff', { email: 'builder@city.test' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    programme = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'builder' });
    browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: 'builder@city.test', password: 'a long enough password' })
      .expect(303);
    path = `/staff/programmes/${programme.id}/call`;
  });
  afterAll(() => t.close());

  const post = (fields: Record<string, unknown>) => browser.post(path).set('Host', city.host).type('form').send(fields);
  const apiCall = async () => (await t.http().get(`/api/programmes/${programme.id}/call`).set(staff.headers).expect(200)).body;

  it('builds a form of the eight kinds of question, with categories and pasted communes, row by row', async () => {
    let page = await openPage(browser, city.host, path);
    expect(page.html).not.toContain('(JSON)');
    expect(page.html).not.toContain('name="form"');
    expect(page.html).toContain('Aucune question complémentaire pour l&#x27;instant.');
    let fields: Record<string, unknown> = {
      ...formFields(page.html),
      'text.fr': "L'appel des makers",
      deadline: '2026-05-31T23:59',
      receiptPrefix: 'BLD26',
    };
    const kinds = ['short_text', 'long_text', 'number', 'single_choice', 'multiple_choice', 'yes_no', 'url', 'file'];
    for (const kind of kinds) {
      const added = await post({ ...fields, action: 'add', newKind: kind });
      expect(added.status).toBe(200);
      expect(added.text).toContain('Une question vide est ajoutée');
      // What was typed is kept in the rows shown again.
      expect(added.text).toContain('value="BLD26"');
      fields = { ...formFields(added.text), receiptPrefix: 'BLD26' };
      page = { ...page, html: added.text };
    }
    expect(questionRow(page.html, 3)).toContain('Question 4 · Choix unique');
    expect(questionRow(page.html, 7)).toContain('Question 8 · Fichier');
    // The kinds' own settings.
    expect(questionRow(page.html, 0)).toContain('name="q.0.maxLength"');
    expect(questionRow(page.html, 2)).toContain('name="q.2.min"');
    expect(questionRow(page.html, 3)).toContain('name="q.3.opt.0.label.fr"');
    expect(questionRow(page.html, 7)).toMatch(/name="q\.7\.accept" value="pdf" checked/);
    expect(questionRow(page.html, 7)).toContain('name="q.7.maxSizeMb"');
    expect(questionRow(page.html, 5)).not.toContain('maxLength');

    // A second option row for the multiple choice.
    const withOption = await post({ ...fields, 'q.4.opt.0.label.fr': 'Bois', action: 'option.4' });
    expect(withOption.status).toBe(200);
    expect(questionRow(withOption.text, 4)).toContain('name="q.4.opt.1.label.fr"');
    fields = { ...formFields(withOption.text), receiptPrefix: 'BLD26' };

    const saved = await post({
      ...fields,
      'q.0.label.fr': 'Nom du collectif',
      'q.0.label.en': 'Name of the group',
      'q.0.maxLength': '80',
      'q.0.required': 'yes',
      'q.1.label.fr': 'Votre démarche',
      'q.1.help.fr': 'Quelques lignes suffisent.',
      'q.2.label.fr': 'Nombre de bénévoles',
      'q.2.min': '1',
      'q.2.max': '50',
      'q.3.label.fr': 'Lieu',
      'q.3.opt.0.label.fr': 'Intérieur',
      'q.4.label.fr': 'Matériaux',
      'q.4.opt.1.label.fr': 'Textile',
      'q.5.label.fr': 'Avez-vous un prototype ?',
      'q.6.label.fr': 'Site web',
      'q.7.label.fr': 'Présentation',
      'q.7.accept': 'pdf',
      'q.7.maxSizeMb': '2',
      'cat.0.label.fr': 'Réemploi',
      'cat.0.label.en': 'Reuse',
      'com.0.postcode': '59000',
      'com.0.name': 'Lille',
      communesPaste:
        'Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement\n59512;ROUBAIX;59100;ROUBAIX\n59009;VILLENEUVE D ASCQ;59650;VILLENEUVE D ASCQ\n59000 Lille',
      action: 'save',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`${path}?saved=1`);
    page = await openPage(browser, city.host, saved.headers.location);
    expect(page.html).toContain('Questions enregistrées');
    let call = await apiCall();
    expect(call.form.map((q: { key: string; kind: string }) => `${q.key}:${q.kind}`)).toEqual([
      'nom_du_collectif:short_text',
      'votre_demarche:long_text',
      'nombre_de_benevoles:number',
      'lieu:single_choice',
      'materiaux:multiple_choice',
      'avez_vous_un_prototype:yes_no',
      'site_web:url',
      'presentation:file',
    ]);
    expect(call.form[0]).toMatchObject({ required: true, maxLength: 80, label: { fr: 'Nom du collectif', en: 'Name of the group' } });
    expect(call.form[1].help).toEqual({ fr: 'Quelques lignes suffisent.' });
    expect(call.form[2]).toMatchObject({ min: 1, max: 50 });
    expect(call.form[4].options).toEqual([
      { key: 'bois', label: { fr: 'Bois' } },
      { key: 'textile', label: { fr: 'Textile' } },
    ]);
    expect(call.form[7]).toMatchObject({ accept: ['pdf'], maxSizeBytes: 2 * 1024 * 1024 });
    expect(call.categories).toEqual([{ key: 'reemploi', label: { fr: 'Réemploi', en: 'Reuse' } }]);
    expect(call.territory).toEqual([
      { postcode: '59000', name: 'Lille' },
      { postcode: '59100', name: 'Roubaix' },
      { postcode: '59650', name: 'Villeneuve D Ascq' },
    ]);
    // The preview shows the saved form as applicants see it, read-only.
    const preview = page.html.slice(page.html.indexOf('id="preview-title"'));
    expect(preview).toContain('<fieldset disabled class="preview-form">');
    expect(preview).toContain('Nombre de bénévoles');
    expect(preview).toContain('name="preview_materiaux" value="textile"');

    // Reorder: the yes/no question goes up; the order is saved at once.
    fields = formFields(page.html);
    const moved = await post({ ...fields, action: 'up.5' });
    expect(moved.status).toBe(303);
    expect(moved.headers.location).toBe(`${path}?saved=1#q-4`);
    call = await apiCall();
    expect(call.form[4].key).toBe('avez_vous_un_prototype');
    expect(call.form[5].key).toBe('materiaux');

    // Remove a question (the checkbox, applied on save), a choice, rename one and a commune, a category pasted CSV with commas.
    page = await openPage(browser, city.host, path);
    fields = formFields(page.html);
    expect(questionRow(page.html, 5)).toContain('value="materiaux"');
    const edited = await post({
      ...fields,
      'q.6.remove': 'yes',
      'q.5.opt.0.remove': 'yes',
      'q.5.opt.1.label.en': 'Fabric',
      'q.5.opt.2.label.fr': 'Métal',
      'cat.1.label.fr': 'Réparation',
      'com.2.remove': 'yes',
      communesPaste: 'code_postal,nom_commune\n59200,Tourcoing\n59100,Roubaix',
      action: 'save',
    });
    expect(edited.status).toBe(303);
    call = await apiCall();
    expect(call.form.map((q: { key: string }) => q.key)).not.toContain('site_web');
    expect(call.form).toHaveLength(7);
    expect(call.form[5].options).toEqual([
      { key: 'textile', label: { fr: 'Textile', en: 'Fabric' } },
      { key: 'metal', label: { fr: 'Métal' } },
    ]);
    expect(call.categories.map((c: { key: string }) => c.key)).toEqual(['reemploi', 'reparation']);
    expect(call.territory).toEqual([
      { postcode: '59000', name: 'Lille' },
      { postcode: '59100', name: 'Roubaix' },
      { postcode: '59200', name: 'Tourcoing' },
    ]);
  });

  it('says next to a question what it refuses, and once an application is submitted, which change would break it', async () => {
    let page = await openPage(browser, city.host, path);
    const fields = formFields(page.html);
    const bad = await post({ ...fields, 'q.2.min': '10', 'q.2.max': '5', 'q.3.opt.0.remove': 'yes', action: 'save' });
    expect(bad.status).toBe(400);
    expect(questionRow(bad.text, 2)).toContain('class="error-message"');
    expect(questionRow(bad.text, 3)).toContain('une question à choix a besoin d’options');
    expect(bad.text).toContain('href="#field-q-3"');
    // Nothing was saved; what was typed is shown again.
    expect(questionRow(bad.text, 2)).toContain('value="10"');
    // Shown again, the rows left empty are not doubled: one empty category, three empty communes.
    expect(bad.text.match(/Nouvelle catégorie/g)).toHaveLength(1);
    expect(bad.text.match(/name="com\.\d+\.postcode" value=""/g)).toHaveLength(3);

    // A citizen applies to the built form.
    const maker = await createPerson(t, city, null);
    const id = (await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({}).expect(201)).body.id;
    await t
      .http()
      .patch(`/api/applications/${id}`)
      .set(maker.headers)
      .send({
        ...COMPLETE_APPLICATION,
        category: 'reparation',
        answers: { nom_du_collectif: 'Les Bricoleurs', nombre_de_benevoles: 4, lieu: 'interieur', avez_vous_un_prototype: true, materiaux: ['textile'] },
      })
      .expect(200);
    await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).expect(200);
    const review = await openPage(browser, city.host, `/staff/applications/${id}`);
    expect(review.html).toContain('Les Bricoleurs');
    expect(review.html).toContain('Nombre de bénévoles');
    expect(review.html).toContain('Textile');

    // Keys no longer change; removing a question or making one stricter is refused next to it.
    page = await openPage(browser, city.host, path);
    expect(questionRow(page.html, 0)).toMatch(/name="q\.0\.key" value="nom_du_collectif"[^>]* readonly/);
    const breaking = await post({ ...formFields(page.html), 'q.1.remove': 'yes', 'q.2.max': '10', action: 'save' });
    expect(breaking.status).toBe(409);
    expect(questionRow(breaking.text, 1)).toContain('une question ne peut pas être retirée une fois l’appel ouvert');
    expect(questionRow(breaking.text, 2)).toContain('un maximum ne peut pas diminuer');
    expect(questionRow(breaking.text, 0)).not.toContain('class="error-message"');
    // An optional new question is still fine.
    const added = await post({ ...formFields(page.html), action: 'add', newKind: 'short_text' });
    const ok = await post({ ...formFields(added.text), 'q.7.label.fr': 'Un mot de plus', action: 'save' });
    expect(ok.status).toBe(303);
    expect((await apiCall()).form.at(-1)).toMatchObject({ key: 'un_mot_de_plus', required: false });
  });
});
