import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { openPage, signInByPassword } from '../setup/pages.js';
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
    const browser = await signInByPassword(t, city, person);
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

/** The apply form is one multipart form: "Joindre" saves the text typed with the file; its CSRF token travels in the body. */
describe('apply form with uploads', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let programme: Programme;
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

  async function signedInDraft() {
    const maker = await createPerson(t, city, null);
    const id: string = (await t.http().post(`/api/programmes/${programme.id}/applications`).set(maker.headers).send({}).expect(201)).body.id;
    const browser = await signInByPassword(t, city, maker);
    return { maker, id, browser };
  }

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
    programme = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'uploads' });
    await createCall(t, city, staff, programme.id);
  });
  afterAll(() => t.close());

  it('saves the text typed with the file when "Joindre" is pressed, and comes back with both and a notice', async () => {
    const { maker, id, browser } = await signedInDraft();
    const form = await openPage(browser, city.host, `/applications/${id}`);
    expect(form.html).toContain(`<form method="post" enctype="multipart/form-data" action="/applications/${id}" novalidate id="application-form">`);
    expect(form.html).toContain('name="file_pitch_deck"');
    expect(form.html).toContain('name="action" value="attach:pitch_deck"');
    expect(form.html).not.toContain('_csrf=');

    const attached = await browser
      .post(`/applications/${id}`)
      .set('Host', city.host)
      .field('_csrf', form.csrf)
      .field('title', 'Recyclerie du quai')
      .field('summary', 'Un lieu pour réparer et revendre.')
      .field('commune', 'Lille')
      .field('action', 'attach:pitch_deck')
      .attach('file_pitch_deck', PDF, 'présentation.pdf');
    expect(attached.status).toBe(303);
    expect(attached.headers.location).toBe(`/applications/${id}?saved=file&files=1#field-answers.pitch_deck`);
    const back = await openPage(browser, city.host, attached.headers.location.split('#')[0]);
    expect(back.html).toContain('Votre brouillon est enregistré et le fichier est joint.');
    expect(back.html).toContain('value="Recyclerie du quai"');
    expect(back.html).toContain('Un lieu pour réparer et revendre.</textarea>');
    expect(back.html).toContain('présentation.pdf');
    const stored = await t.http().get(`/api/applications/${id}`).set(maker.headers).expect(200);
    expect(stored.body.title).toBe('Recyclerie du quai');
    expect(typeof stored.body.answers.pitch_deck).toBe('string');

    // "Joindre" without a file: the text is still saved, and the page says to choose a file first.
    const noFile = await browser
      .post(`/applications/${id}`)
      .set('Host', city.host)
      .field('_csrf', back.csrf)
      .field('title', 'Recyclerie du quai, 2e version')
      .field('action', 'attach:pitch_deck');
    expect(noFile.status).toBe(400);
    expect(noFile.text).toContain('Choisissez d&#x27;abord un fichier.');
    expect(noFile.text).toContain('value="Recyclerie du quai, 2e version"');
    expect(noFile.text).toContain('Votre brouillon est enregistré.');
    expect((await t.http().get(`/api/applications/${id}`).set(maker.headers)).body.title).toBe('Recyclerie du quai, 2e version');

    // A refused file (not a PDF): the typed text is kept on the page, the error is next to the question.
    const refused = await browser
      .post(`/applications/${id}`)
      .set('Host', city.host)
      .field('_csrf', back.csrf)
      .field('title', 'Recyclerie, texte gardé')
      .field('action', 'attach:pitch_deck')
      .attach('file_pitch_deck', Buffer.from('MZ not a pdf'), 'deck.pdf');
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('value="Recyclerie, texte gardé"');
    expect(refused.text).toContain('id="error-answers.pitch_deck"');
    expect(refused.text).not.toContain('_csrf=');

    // The old form (urlencoded, no file) still saves.
    const plain = await browser
      .post(`/applications/${id}`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: back.csrf, title: 'Sans fichier', action: 'save' });
    expect(plain.status).toBe(303);
    expect(plain.headers.location).toBe(`/applications/${id}?saved=1`);
  });

  it('refuses a multipart form without a valid CSRF token with 403, and never puts the token in an address', async () => {
    const { maker, id, browser } = await signedInDraft();
    const form = await openPage(browser, city.host, `/applications/${id}`);
    const post = (path: string, token?: string) => {
      const req = browser.post(path).set('Host', city.host).set('Accept', 'text/html');
      if (token !== undefined) req.field('_csrf', token);
      return req.field('title', 'Piratée').field('action', 'attach:pitch_deck').attach('file_pitch_deck', PDF, 'x.pdf');
    };
    expect((await post(`/applications/${id}`)).status).toBe(403);
    expect((await post(`/applications/${id}`, 'forged-token')).status).toBe(403);
    expect((await post(`/applications/${id}/files/pitch_deck`)).status).toBe(403);
    // A route that does not read a multipart body cannot be reached by leaving the token in it.
    expect((await post(`/applications/${id}/withdraw`)).status).toBe(403);
    const untouched = await t.http().get(`/api/applications/${id}`).set(maker.headers).expect(200);
    expect(untouched.body.status).toBe('draft');
    expect(untouched.body.title).not.toBe('Piratée');

    const ok = await post(`/applications/${id}`, form.csrf);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).not.toContain(form.csrf);
    expect(ok.headers.location).not.toContain('_csrf');
    // The one-file route reads its token from the body too.
    const single = await browser.post(`/applications/${id}/files/pitch_deck`).set('Host', city.host).field('_csrf', form.csrf).attach('file', PDF, 'y.pdf');
    expect(single.status).toBe(303);
    expect(single.headers.location).toBe(`/applications/${id}?saved=file&files=1#field-answers.pitch_deck`);
    const page = await openPage(browser, city.host, `/applications/${id}`);
    expect(page.html).not.toMatch(/action="[^"]*_csrf/);
  });
});
