import { AuthService } from '../../src/auth/auth.service.js';
import { createPerson, createTenant } from '../factories/index.js';
import type { TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** Staff work through HTML forms that work without JavaScript: errors are shown next to the fields. */
describe('staff pages', () => {
  let t: TestApp;
  let city: TestTenant;
  let browser: ReturnType<TestApp['http']>;

  beforeAll(async () => {
    t = await startTestApp();
    city = await createTenant(t);
    const staff = await createPerson(t, city, 'staff', { email: 'agent@city.test' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: 'agent@city.test', password: 'a long enough password' })
      .expect(303);
  });
  afterAll(() => t.close());

  it('creates a programme from the form, keeping what was typed when a field is wrong', async () => {
    const form = await openPage(browser, city.host, '/staff/programmes/new');
    // One field per language of the authority, named in its own language, the default one required.
    expect(form.html).toMatch(/<label for="field-title"><span lang="fr">Français<\/span> <span class="required">\(obligatoire\)<\/span><\/label>/);
    // Nothing is written yet: no language is marked as to translate.
    expect(form.html).toMatch(/<label for="field-title\.en"><span lang="en">English<\/span><\/label>/);
    expect(form.html).toMatch(/<input id="field-title" name="title.fr" type="text" value="" lang="fr" required aria-describedby="">/);
    expect(form.html).toContain('name="summary.en"');
    const englishOnly = await browser
      .post('/staff/programmes')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, slug: 'english-only', 'title.fr': '', 'title.en': 'Makers in English' });
    expect(englishOnly.status).toBe(400);
    expect(englishOnly.text).toContain('href="#field-title"');
    expect(englishOnly.text).toContain('Écrivez ce texte au moins dans la langue principale du site (Français).');
    expect(englishOnly.text).toContain('value="Makers in English"');
    const bad = await browser
      .post('/staff/programmes')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, slug: 'Bad Slug!', 'title.fr': 'Makers 2027', 'title.en': '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('class="error-summary"');
    expect(bad.text).toContain('href="#field-slug"');
    expect(bad.text).toContain('value="Makers 2027"');
    expect(bad.text).toMatch(/id="field-slug"[^>]*aria-invalid="true"/);

    const ok = await browser
      .post('/staff/programmes')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, slug: 'makers-2027', 'title.fr': 'Makers 2027', 'title.en': 'Makers 2027' });
    expect(ok.status).toBe(303);
    const desk = await openPage(browser, city.host, ok.headers.location);
    expect(desk.html).toContain('Makers 2027');

    const taken = await browser
      .post('/staff/programmes')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, slug: 'makers-2027', 'title.fr': 'Autre', 'title.en': 'Other' });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('Un autre programme utilise déjà cette adresse.');
  });

  it('reads timeline dates in the authority time zone and moves a phase with a reason', async () => {
    const form = await openPage(browser, city.host, '/staff/programmes/new');
    const created = await browser
      .post('/staff/programmes')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, slug: 'tz-check', 'title.fr': 'Fuseau', 'title.en': 'Zone' });
    const path = created.headers.location as string;
    const id = path.split('/').pop()!;
    const desk = await openPage(browser, city.host, path);
    const saved = await browser
      .post(`${path}/timeline`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: desk.csrf, call_open: '2026-07-01T09:00', screening: '2026-12-01T09:00' });
    expect(saved.status).toBe(303);
    const api = (await t.ds.query('SELECT timeline FROM programme WHERE id = $1', [id]))[0].timeline;
    expect(api).toEqual({ call_open: '2026-07-01T07:00:00.000Z', screening: '2026-12-01T08:00:00.000Z' });

    const noReason = await browser
      .post(`${path}/phase`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: desk.csrf, from: 'draft', to: 'call_open', reason: '' });
    expect(noReason.status).toBe(400);
    // The rule in the page's language, with the field's label.
    expect(noReason.text).toMatch(/Motif : doit compter de 3 à 1\s000 caractères\./u);

    // The desk's form leads to a confirmation page (GET, no JavaScript) that carries the reason to the usual POST.
    expect(desk.html).toContain(`<form method="get" action="${path}/phase/confirm"`);
    const emptyStep = await openPage(browser, city.host, `${path}/phase/confirm?from=draft&to=call_open&reason=`);
    expect(emptyStep.status).toBe(400);
    expect(emptyStep.html).toMatch(/Motif : doit compter de 3 à 1\s000 caractères\./u);
    const step = await openPage(browser, city.host, `${path}/phase/confirm?from=draft&to=call_open&reason=Ouverture%20anticip%C3%A9e`);
    expect(step.status).toBe(200);
    expect(step.html).toContain('<h1>Changer d&#x27;étape maintenant ?</h1>');
    expect(step.html).toContain('passera de l&#x27;étape « Brouillon » à l&#x27;étape « Appel à projets ouvert »');
    expect(step.html).toContain('1 agent sera prévenu par e-mail.');
    expect(step.html).toContain('<input type="hidden" name="reason" value="Ouverture anticipée">');
    expect(step.html).toContain(`<form method="post" action="${path}/phase"`);
    const moved = await browser
      .post(`${path}/phase`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: desk.csrf, from: 'draft', to: 'call_open', reason: 'Ouverture anticipée' });
    expect(moved.status).toBe(303);
    const stale = await browser
      .post(`${path}/phase`)
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: desk.csrf, from: 'draft', to: 'call_open', reason: 'double click' });
    expect(stale.status).toBe(409);
    expect(moved.headers.location).toBe(`${path}?saved=phase`);
    const after = await openPage(browser, city.host, `${path}?saved=phase`);
    expect(after.html).toContain('Ouverture anticipée');
    expect(after.html).toContain('<div class="notice notice-success" role="status"><p>Le programme a changé d&#x27;étape.</p></div>');
    expect(after.html).toContain('<span class="badge badge-progress">Appel à projets ouvert</span>');
    expect(after.html).toContain(`<a href="${path}" aria-current="page">`);
    const transitions = await t.ds.query('SELECT count(*)::int AS n FROM phase_transition WHERE programme_id = $1', [id]);
    expect(transitions[0].n).toBe(1);
  });

  it('refuses brand colours that white text cannot be read on', async () => {
    const page = await openPage(browser, city.host, '/staff/branding');
    // Colour pickers, each with its saved contrast on white; the time zone is chosen from a list; a preview.
    expect(page.html).toMatch(/<input id="field-primaryColor" name="primaryColor" type="color" value="#[0-9a-f]{6}"/);
    expect(page.html).toMatch(/<input id="field-accentColor" name="accentColor" type="color"/);
    expect(page.html).toMatch(/id="contrast-primaryColor"[^>]*>Contraste avec le blanc : \d+(,\d)?:1 — (conforme|insuffisant)</);
    expect(page.html).toMatch(/<select id="field-timeZone" name="timeZone"/);
    expect(page.html).toContain('<option value="Europe/Paris" selected>Europe/Paris</option>');
    expect(page.html).toContain('<optgroup label="America">');
    expect(page.html).toContain('class="brand-preview-bar"');
    // A small script keeps the contrast text live; the page works without it.
    expect(page.html).toContain('data-ok="Contraste avec le blanc : %ratio%:1 — conforme"');
    expect(page.html).toContain('<script src="/assets/branding.js" defer></script>');
    const script = await t.http().get('/assets/branding.js').set('Host', city.host);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    const zoneBad = await browser
      .post('/staff/branding')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, name: 'Ville Claire', primaryColor: '#114477', accentColor: '#a3461a', timeZone: 'Mars/Olympus', defaultLocale: 'fr' });
    expect(zoneBad.status).toBe(400);
    expect(zoneBad.text).toMatch(/<p class="error-message" id="error-timeZone">.*Fuseau horaire/);
    expect(zoneBad.text).toMatch(/id="field-timeZone"[^>]*aria-invalid="true"/);
    const res = await browser
      .post('/staff/branding')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, name: 'Ville Claire', primaryColor: '#ffee88', accentColor: '#a3461a', timeZone: 'Europe/Paris', defaultLocale: 'fr' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('il doit être d’au moins 4,5:1');
    expect(res.text).toContain('value="#ffee88"');
    const ok = await browser
      .post('/staff/branding')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: page.csrf, name: 'Ville Claire', primaryColor: '#114477', accentColor: '#a3461a', timeZone: 'Europe/Paris', defaultLocale: 'fr' });
    expect(ok.status).toBe(303);
    // The save says it worked, in the reader's language; the staff links mark the current page.
    expect(ok.headers.location).toBe('/staff/branding?saved=1');
    const saved = await openPage(browser, city.host, '/staff/branding?saved=1');
    expect(saved.html).toContain('<div class="notice notice-success" role="status"><p>L&#x27;apparence du site est enregistrée.</p></div>');
    expect(saved.html).toContain('<a href="/staff/branding" aria-current="page">');
    expect((await openPage(browser, city.host, '/staff/branding?saved=1&lang=en')).html).toContain('The site&#x27;s appearance has been saved.');
    expect((await openPage(browser, city.host, '/staff/branding?lang=fr')).html).not.toContain('notice-success');
    const theme = await t.http().get('/theme.css').set('Host', city.host);
    expect(theme.text).toContain('--brand: #114477');
    // #114477 on white is 9.9:1 (floored to one decimal, in the reader's language).
    expect(saved.html).toMatch(/id="contrast-primaryColor"[^>]*>Contraste avec le blanc : 9,9:1 — conforme<\/p>/);
    expect((await openPage(browser, city.host, '/staff/branding?lang=en')).html).toContain('Contrast with white: 9.9:1 — compliant');
  });

  it('edits the call text per language and category labels in one field per language, marking what is to translate', async () => {
    const form = await openPage(browser, city.host, '/staff/programmes/new');
    const created = await browser
      .post('/staff/programmes')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, slug: 'call-editor', 'title.fr': 'Appel', 'title.en': '' });
    const path = `${created.headers.location as string}/call`;
    const editor = await openPage(browser, city.host, path);
    expect(editor.html).toContain('name="text.fr"');
    expect(editor.html).toContain('name="text.en"');
    expect(editor.html).toContain('name="cat.0.label.en"');
    const saved = await browser.post(path).set('Host', city.host).type('form').send({
      _csrf: editor.csrf,
      'text.fr': "Texte de l'appel",
      'text.en': '',
      deadline: '2026-12-31T23:59',
      goalMinEuros: '1000',
      goalMaxEuros: '10000',
      'cat.0.key': '',
      'cat.0.label.fr': 'Réemploi',
      'cat.0.label.en': 'Reuse',
      receiptPrefix: 'CAL26',
      onePerApplicant: 'yes',
      action: 'save',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`${path}?saved=1`);
    expect(await openPage(browser, city.host, `${path}?lang=fr`).then((p) => p.html)).not.toContain('notice-success');
    const again = await openPage(browser, city.host, saved.headers.location);
    // One notice, the builder's own (not the generic one as well).
    expect(again.html.match(/notice-success/g)).toHaveLength(1);
    expect(again.html).toContain('Questions enregistrées');
    expect(again.html).toContain('Texte de l&#x27;appel</textarea>');
    expect(again.html).toMatch(/<label for="field-text\.en"><span lang="en">English<\/span> <span class="badge badge-muted">à traduire<\/span>/);
    expect(again.html).toContain('name="cat.0.key" value="reemploi"');
    expect(again.html).toContain('name="cat.0.label.en" type="text" value="Reuse"');

    const bad = await browser.post(path).set('Host', city.host).type('form').send({
      _csrf: again.csrf,
      'text.fr': 'x',
      deadline: '2026-12-31T23:59',
      goalMinEuros: '1',
      goalMaxEuros: '2',
      'cat.0.key': 'reuse',
      'cat.0.label.fr': '',
      receiptPrefix: 'CAL26',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('href="#field-cat-0"');
    expect(bad.text).toContain('>x</textarea>');
  });

  it('escapes what users type on every page', async () => {
    const form = await openPage(browser, city.host, '/staff/programmes/new');
    await browser
      .post('/staff/programmes')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: form.csrf, slug: 'xss', 'title.fr': '<script>alert(1)</script>', 'title.en': '<img src=x onerror=alert(1)>' });
    const dash = await openPage(browser, city.host, '/staff');
    expect(dash.html).not.toContain('<script>alert(1)</script>');
    expect(dash.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
