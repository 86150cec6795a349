import type request from 'supertest';
import { RIGHTS_PAGE_LIVE } from '../../src/privacy/domain/rights.js';
import { createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage, signInByPassword } from '../setup/pages.js';
import { readPdf } from '../setup/pdf.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const SETTINGS = {
  controllerName: 'Commune de Lumière',
  controllerAddress: '1 place de la Mairie, 59000 Lumière',
  dpoEmail: 'dpo@lumiere.test',
  dpoAddress: '',
  publicationDirector: 'Camille Maire',
  hostName: 'Hébergeur Public SAS',
  hostAddress: '2 rue des Serveurs, 75000 Paris',
  hostContact: '01 23 45 67 89',
  rgaaStatus: 'partial',
  rgaaAuditDate: '2026-03-01',
};

/** Issue 21, parts 1 and 6: the legal pages of an authority, their versions, and the register of processing activities. */
describe('privacy: legal pages and the register', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let browser: request.Agent;
  let programme: { id: string; slug: string };

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t, { languages: ['fr', 'en', 'nl'] });
    staff = await createPerson(t, city, 'staff', { email: 'agent@lumiere.test' });
    programme = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'makers' });
    browser = await signInByPassword(t, city, staff);
  });
  afterAll(() => t.close());

  const get = (path: string, lang = 'fr') => t.http().get(path).set('Host', city.host).set('Accept-Language', lang).set('Cookie', `lang=${lang}`);

  it('shows default pages without settings, in the reader language, linked from every page footer', async () => {
    const home = await get('/');
    expect(home.status).toBe(200);
    for (const path of ['/privacy', '/legal-notice', '/accessibility']) expect(home.text).toContain(`href="${path}"`);
    const fr = await get('/privacy?lang=fr');
    expect(fr.status).toBe(200);
    expect(fr.text).toContain('Responsable du traitement');
    expect(fr.text).toContain('12 mois après la publication des résultats');
    // The rights page is linked once it is served (src/privacy/domain/rights.ts).
    if (RIGHTS_PAGE_LIVE) expect(fr.text).toContain('href="/me/data"');
    else expect(fr.text).not.toContain('href="/me/data"');
    expect(fr.text).toContain('cnil.fr');
    const en = await get('/privacy?lang=en', 'en');
    expect(en.text).toContain('12 months after the publication of the results');
    expect(en.text).toContain('Data controller');
    const nl = await get('/legal-notice?lang=nl', 'nl');
    expect(nl.status).toBe(200);
    expect(nl.text).toContain('Hostingprovider');
    const a11y = await get('/accessibility?lang=en', 'en');
    expect(a11y.text).toContain('not compliant with the French accessibility standard');
    const rules = await get('/programmes/makers/rules');
    expect(rules.status).toBe(200);
    expect(rules.text).toContain('pas encore publié de règlement détaillé');
  });

  it('saves the settings through the staff page (400 naming the fields) and uses them in the defaults', async () => {
    const form = await openPage(browser, city.host, '/staff/privacy');
    expect(form.status).toBe(200);
    const bad = await browser
      .post('/staff/privacy')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, ...SETTINGS, controllerName: '', dpoEmail: 'not-an-email', rgaaAuditDate: '2026-13-45' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#field-controllerName"');
    expect(bad.text).toContain('href="#field-dpoEmail"');
    expect(bad.text).toContain('href="#field-rgaaAuditDate"');
    const ok = await browser
      .post('/staff/privacy')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, ...SETTINGS });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/staff/privacy?saved=settings');
    const again = await openPage(browser, city.host, '/staff/privacy?saved=settings');
    expect(again.html).toContain('role="status"');
    expect(again.html).toContain('value="Camille Maire"');
    const privacy = await get('/privacy');
    expect(privacy.text).toContain('Commune de Lumière');
    expect(privacy.text).toContain('mailto:dpo@lumiere.test');
    const notice = await get('/legal-notice');
    expect(notice.text).toContain('Camille Maire');
    expect(notice.text).toContain('Hébergeur Public SAS');
    const a11y = await get('/accessibility');
    expect(a11y.text).toContain('partiellement conforme');
    expect(a11y.text).toContain('1 mars 2026');
  });

  it('publishes a privacy notice through a preview and a confirmation; the API lists the versions', async () => {
    const editor = await openPage(browser, city.host, '/staff/privacy/pages/privacy');
    expect(editor.status).toBe(200);
    const preview = await browser
      .post('/staff/privacy/pages/privacy')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: editor.csrf, intent: 'preview', 'body.fr': '# Notre politique\n\nVersion <b>une</b>.', 'body.en': 'Our policy, one.' });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('<h2>Notre politique</h2>');
    expect(preview.text).toContain('Version &lt;b&gt;une&lt;/b&gt;.');
    const ask = await browser
      .post('/staff/privacy/pages/privacy')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: editor.csrf, intent: 'publish', 'body.fr': 'Politique, version une.', 'body.en': 'Our policy, one.' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('name="confirmed" value="yes"');
    expect((await get('/privacy')).text).not.toContain('Politique, version une.');
    const done = await browser
      .post('/staff/privacy/pages/privacy')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: editor.csrf, confirmed: 'yes', 'body.fr': 'Politique, version une.', 'body.en': 'Our policy, one.' });
    expect(done.status).toBe(303);
    expect((await get('/privacy')).text).toContain('Politique, version une.');
    expect((await get('/privacy?lang=en', 'en')).text).toContain('Our policy, one.');
    // The Dutch reader gets the default language's text, marked as French.
    expect((await get('/privacy?lang=nl', 'nl')).text).toContain('<div lang="fr"><p>Politique, version une.</p></div>');

    const api = await t.http().get('/api/privacy/pages/privacy').set(staff.headers);
    expect(api.status).toBe(200);
    expect(api.body.versions).toHaveLength(1);
    const put = await t
      .http()
      .put('/api/privacy/pages/privacy')
      .set(staff.headers)
      .send({ body: { fr: 'Politique, version deux.' } });
    expect(put.status).toBe(200);
    expect(put.body.version).toBe(2);
    const empty = await t
      .http()
      .put('/api/privacy/pages/privacy')
      .set(staff.headers)
      .send({ body: { en: 'only English' } });
    expect(empty.status).toBe(400);
    expect((await t.http().get('/api/privacy/pages/nope').set(staff.headers)).status).toBe(404);
  });

  it("publishes the call's rules in versions; the older one stays readable", async () => {
    const editor = await openPage(browser, city.host, `/staff/programmes/${programme.id}/legal-rules`);
    expect(editor.status).toBe(200);
    for (const text of ['Règlement numéro un.', 'Règlement numéro deux.']) {
      const r = await browser
        .post(`/staff/programmes/${programme.id}/legal-rules`)
        .set('Host', city.host)
        .type('form')
        .send({ _csrf: editor.csrf, confirmed: 'yes', 'body.fr': text });
      expect(r.status).toBe(303);
    }
    const latest = await get('/programmes/makers/rules');
    expect(latest.text).toContain('Règlement numéro deux.');
    expect(latest.text).toContain('href="/programmes/makers/rules?version&#x3D;1"');
    const v1 = await get('/programmes/makers/rules?version=1');
    expect(v1.status).toBe(200);
    expect(v1.text).toContain('Règlement numéro un.');
    expect(v1.text).toContain('version 1 du règlement');
    expect((await get('/programmes/makers/rules?version=9')).status).toBe(404);
    expect((await get('/programmes/makers/rules?version=abc')).status).toBe(404);
    const api = await t.http().get(`/api/privacy/programmes/${programme.id}/rules`).set(staff.headers);
    expect(api.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('API settings: GET, PUT with field problems, and the saved values', async () => {
    const bad = await t
      .http()
      .put('/api/privacy/settings')
      .set(staff.headers)
      .send({ ...SETTINGS, dpoEmail: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('dpoEmail');
    const ok = await t
      .http()
      .put('/api/privacy/settings')
      .set(staff.headers)
      .send({ ...SETTINGS, hostName: 'Autre hébergeur' });
    expect(ok.status).toBe(200);
    const got = await t.http().get('/api/privacy/settings').set(staff.headers);
    expect(got.body).toMatchObject({ hostName: 'Autre hébergeur', rgaaStatus: 'partial', retention: { unselectedApplications: 12 } });
  });

  it('shows the register of processing activities as a page and a tagged PDF', async () => {
    const page = await openPage(browser, city.host, '/staff/privacy/register');
    expect(page.status).toBe(200);
    expect(page.html).toContain('Registre des activités de traitement');
    expect(page.html).toContain('Instruction des candidatures');
    expect(page.html).toContain('13 mois après la clôture des comptes de la campagne');
    expect(page.html).toContain('Makers');
    const pdf = await browser
      .get('/staff/privacy/register.pdf')
      .set('Host', city.host)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const read = await readPdf(pdf.body as Buffer);
    expect(read.marked).toBe(true);
    expect(read.language).toBe('fr-FR');
    expect(read.title).toBe('Registre des activités de traitement');
    expect(read.text.join(' ')).toContain('Instruction des candidatures');
    expect(read.fontsEmbedded).toBe(true);
  });
});
