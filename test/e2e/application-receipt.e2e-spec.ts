import { AuthService } from '../../src/auth/auth.service.js';
import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';
import type { Programme } from '../../src/programmes/programme.entity.js';

/** What the applicant keeps after submitting: the receipt page, its print view and the e-mailed copy (issue 19, point 6). */
describe('application receipt', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;

  async function signIn(person: TestPerson) {
    await t.app.get(AuthService).setPassword(city.tenant.id, person.userId, 'a long enough password');
    const browser = t.http();
    const page = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, email: person.email, password: 'a long enough password' })
      .expect(303);
    return browser;
  }

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    t = await startTestApp({ config: { smtpUrl: smtp.url } });
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'receipts' });
    await createCall(t, city, staff, programme.id);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('shows the date and time of submission in the authority’s time zone, the goal as money, and prints without the site around it', async () => {
    const maker = await createPerson(t, city, null);
    const id = (await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({}).expect(201)).body.id;
    await t.http().patch(`/api/applications/${id}`).set(maker.headers).send(COMPLETE_APPLICATION).expect(200);
    t.clock.set('2026-04-15T21:30:00Z'); // 23:30 in Paris
    const submitted = await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).expect(200);
    const receipt: string = submitted.body.receiptNumber;

    const browser = await signIn(maker);
    const page = await openPage(browser, city.host, `/applications/${id}/receipt`);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<time datetime="2026-04-15T21:30:00.000Z">15 avril 2026 à 23:30</time>');
    expect(page.html).toContain(`<strong>${receipt}</strong>`);
    expect(page.html).toMatch(/<td>6\s000\s€<\/td>/);
    expect(page.html).toContain(`href="/applications/${id}/receipt?print=1" data-print>Imprimer / enregistrer en PDF</a>`);
    expect(page.html).toContain('<script src="/assets/print.js" defer></script>');
    expect(page.html).toContain('class="site-header"');
    expect(page.html).not.toContain('class="print-view"');

    const en = await openPage(browser, city.host, `/applications/${id}/receipt?lang=en`);
    expect(en.html).toContain('15 April 2026 at 23:30');
    expect(en.html).toContain('<td>€6,000</td>');
    expect(en.html).toContain('Print / save as PDF');

    const print = await openPage(browser, city.host, `/applications/${id}/receipt?print=1&lang=fr`);
    expect(print.status).toBe(200);
    expect(print.html).toContain('<body class="print-view">');
    expect(print.html).toContain('15 avril 2026 à 23:30');
    expect(print.html).toMatch(/<td>6\s000\s€<\/td>/);
    expect(print.html).toContain('Atelier vélo solidaire');
    expect(print.html).toContain('Enregistrer au format PDF');
    expect(print.html).toContain(`href="/applications/${id}/receipt">← Retour au récépissé</a>`);

    const css = await t.http().get('/assets/app.css').set('Host', city.host);
    expect(css.text).toContain('@media print');
    expect(css.text).toMatch(/\.print-view \.site-header/);
    const js = await t.http().get('/assets/print.js').set('Host', city.host);
    expect(js.status).toBe(200);
    expect(js.text).toContain('window.print()');

    await t.sendMail();
    const mail = smtp.to(maker.email).at(-1)!;
    expect(mail.subject).toBe(`Candidature reçue : ${receipt}`);
    expect(mail.text).toContain('Date et heure de dépôt : 15 avril 2026 à 23:30.');
    expect(mail.text).toMatch(/6\s000\s€/);

    // A draft has no receipt yet.
    const other = await createPerson(t, city, null);
    const draft = (await t.http().post(`/api/programmes/${programme.id}/applications`).set(other.headers).send({}).expect(201)).body.id;
    const otherBrowser = await signIn(other);
    expect((await openPage(otherBrowser, city.host, `/applications/${draft}/receipt?print=1`)).status).toBe(404);
  });
});
