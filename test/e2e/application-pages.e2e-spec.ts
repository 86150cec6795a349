import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { linkIn, TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

describe('application pages (no JavaScript)', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'makers' });
    await createCall(t, city, staff, programme.id);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('lets a newcomer register with an e-mail, come back signed in and start a draft', async () => {
    const browser = t.http();
    const apply = await openPage(browser, city.host, '/programmes/makers/apply');
    expect(apply.html).toContain('Pas besoin de mot de passe');
    const bad = await browser
      .post('/programmes/makers/apply/register')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: apply.csrf, name: '', email: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#field-email"');
    const ok = await browser
      .post('/programmes/makers/apply/register')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: apply.csrf, name: 'Léa Martin', email: 'Lea@Example.org' });
    expect(ok.status).toBe(200);
    await t.sendMail();
    const link = new URL(linkIn(smtp.to('lea@example.org').at(-1)!, '/sign-in/link/'));
    const confirm = await openPage(browser, city.host, link.pathname);
    const signedIn = await browser.post(link.pathname).set('Host', city.host).type('form').send({ _csrf: confirm.csrf });
    expect(signedIn.headers.location).toBe('/programmes/makers/apply');
    const again = await openPage(browser, city.host, '/programmes/makers/apply');
    const started = await browser.post('/programmes/makers/apply').set('Host', city.host).type('form').send({ _csrf: again.csrf });
    expect(started.status).toBe(303);
    expect(started.headers.location).toMatch(/^\/applications\/[0-9a-f-]{36}$/);
    // Starting again leads to the same application (one per applicant).
    const twice = await browser.post('/programmes/makers/apply').set('Host', city.host).type('form').send({ _csrf: again.csrf });
    expect(twice.headers.location).toBe(started.headers.location);
    const form = await openPage(browser, city.host, started.headers.location);
    expect(form.html).toContain('À compléter avant de déposer');
    expect(form.html).toContain('value="Léa Martin"');
    // The draft was started in French: read in English, its text fields are marked French (issue 15).
    const formEn = await openPage(browser, city.host, `${started.headers.location}?lang=en`);
    expect(formEn.html).toMatch(/<textarea id="field-summary" name="summary" rows="5" lang="fr"/);
    expect(formEn.html).not.toMatch(/id="field-email"[^>]* lang=/);
    expect(form.html).not.toMatch(/<textarea id="field-summary"[^>]* lang=/);
  });

  it('gives staff a desk to filter, read and decide', async () => {
    const maker = await createPerson(t, city, null);
    const id = (await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({})).body.id;
    await t
      .http()
      .patch(`/api/applications/${id}`)
      .set(maker.headers)
      .send({ ...COMPLETE_APPLICATION, title: 'Ressourcerie <b>du coin</b>' })
      .expect(200);
    await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).expect(200);

    const browser = t.http();
    await browser.get('/').set(staff.headers);
    const desk = await browser.get(`/staff/programmes/${programme.id}/applications?q=ressourcerie`).set(staff.headers).set('Accept', 'text/html');
    expect(desk.status).toBe(200);
    expect(desk.text).toContain('Ressourcerie &lt;b&gt;du coin&lt;/b&gt;');
    expect(desk.text).toContain('1 à 1 sur 1');
    const review = await browser.get(`/staff/applications/${id}`).set(staff.headers).set('Accept', 'text/html');
    expect(review.text).toContain('Règles d&#x27;éligibilité');
    // Read in English, the applicant's texts keep the language they were written in (issue 15).
    const deskEn = await browser.get(`/staff/programmes/${programme.id}/applications?q=ressourcerie&lang=en`).set(staff.headers).set('Accept', 'text/html');
    expect(deskEn.text).toContain('<span lang="fr">Ressourcerie &lt;b&gt;du coin&lt;/b&gt;</span>');
    const reviewEn = await browser.get(`/staff/applications/${id}?lang=en`).set(staff.headers).set('Accept', 'text/html');
    expect(reviewEn.text).toContain('<h1><span lang="fr">Ressourcerie &lt;b&gt;du coin&lt;/b&gt;</span></h1>');
    expect(reviewEn.text).toContain('<td lang="fr">Ressourcerie &lt;b&gt;du coin&lt;/b&gt;</td>');
    const badFilter = await browser.get(`/staff/programmes/${programme.id}/applications?screening=maybe`).set(staff.headers).set('Accept', 'text/html');
    // An unknown value (an old bookmark) is ignored, as on every staff list: the page, not an error.
    expect(badFilter.status).toBe(200);
    expect(badFilter.text).toContain('Ressourcerie &lt;b&gt;du coin&lt;/b&gt;');
    // Bearer-token requests carry no ambient credential: the desk's forms are also usable through the API.
    const decided = await t.http().post(`/api/applications/${id}/decision`).set(staff.headers).send({ decision: 'eligible', reason: 'Dossier complet' });
    expect(decided.body.screening).toBe('eligible');
  });
});
