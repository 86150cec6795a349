import { PlatformService } from '../../src/platform/platform.service.js';
import { openPage } from '../setup/pages.js';
import { TestSmtpServer } from '../setup/smtp.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

const HOST = 'admin.installation.test';

/** Platform admins run the installation from /platform pages that work without JavaScript. */
describe('platform pages', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  let browser: ReturnType<TestApp['http']>;

  beforeAll(async () => {
    smtp = await new TestSmtpServer().start();
    // The platform's pages are served under PUBLIC_URL's host.
    t = await startTestApp({ config: { smtpUrl: smtp.url, publicUrl: `http://${HOST}` } });
    browser = t.http();
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('sends anonymous visitors to the sign-in page, which answers the same whatever the address', async () => {
    const anon = await t.http().get('/platform').set('Host', HOST).set('Accept', 'text/html');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toBe('/platform/sign-in');

    const form = await openPage(browser, HOST, '/platform/sign-in');
    expect(form.status).toBe(200);
    expect(form.html).toContain('Tremplin — platform');
    const bad = await browser.post('/platform/sign-in').set('Host', HOST).type('form').send({ _csrf: form.csrf, email: 'not an address' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="field-email"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('href="#field-email"');

    const unknown = await browser.post('/platform/sign-in').set('Host', HOST).type('form').send({ _csrf: form.csrf, email: 'nobody@example.test' });
    expect(unknown.status).toBe(200);
    expect(unknown.text).toContain('Check your e-mail');
    expect(smtp.to('nobody@example.test')).toHaveLength(0);

    const fr = await openPage(t.http(), HOST, '/platform/sign-in?lang=fr');
    expect(fr.html).toContain('Connexion à la plateforme');
    expect(fr.html).toContain('lang="fr"');
  });

  it('signs an admin in through the link, lets them add, edit, suspend and reactivate an authority, and signs them out', async () => {
    const { link } = await t.app.get(PlatformService).createAdmin('root@installation.test');
    const path = new URL(link).pathname;

    // Opening the link uses nothing up: only the button does.
    const confirm = await openPage(browser, HOST, path);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain(`action="${path}"`);
    const signedIn = await browser.post(path).set('Host', HOST).type('form').send({ _csrf: confirm.csrf });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe('/platform');
    const cookie = String(signedIn.headers['set-cookie'])
      .split(/,(?=\s*\w+=)/)
      .find((c) => c.trim().startsWith('tremplin_platform='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Max-Age=86400/);
    // The link works once.
    const reused = await t.http().post(path).set('Host', HOST).set('Cookie', 'tremplin_csrf=x').type('form').send({ _csrf: 'x' });
    expect(reused.status).not.toBe(303);

    const empty = await openPage(browser, HOST, '/platform');
    expect(empty.status).toBe(200);
    expect(empty.html).toContain('href="/platform/authorities/new"');
    expect(empty.html).toContain('Signed in as root@installation.test.');

    // The form keeps what was typed and shows each problem next to its field.
    const form = await openPage(browser, HOST, '/platform/authorities/new');
    expect(form.html).toContain('<datalist id="time-zones">');
    const bad = await browser.post('/platform/authorities/new').set('Host', HOST).type('form').send({
      _csrf: form.csrf,
      name: 'Métropole de Lumière',
      slug: 'Bad Slug',
      hosts: 'financement.lumiere.test\nnot a host!',
      staffEmail: 'nope',
      language: 'fr',
      timeZone: 'Mars/Olympus',
      senderName: '',
      senderEmail: '',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('class="error-summary"');
    expect(bad.text).toMatch(/id="field-slug"[^>]*aria-invalid="true"/);
    expect(bad.text).toMatch(/id="field-staffEmail"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('value="Métropole de Lumière"');

    const domainBad = await browser.post('/platform/authorities/new').set('Host', HOST).type('form').send({
      _csrf: form.csrf,
      name: 'Métropole de Lumière',
      slug: 'lumiere',
      hosts: 'financement.lumiere.test\nnot_a_host',
      staffEmail: 'agent@lumiere.test',
      language: 'fr',
      timeZone: 'Europe/Paris',
    });
    expect(domainBad.status).toBe(400);
    expect(domainBad.text).toMatch(/<textarea id="field-hosts"[^>]*aria-invalid="true"/);
    expect(domainBad.text).toContain('href="#field-hosts">not_a_host: must be a host name, e.g. financement.example.fr.');
    const zoneBad = await browser.post('/platform/authorities/new').set('Host', HOST).type('form').send({
      _csrf: form.csrf,
      name: 'Métropole de Lumière',
      slug: 'lumiere',
      hosts: '',
      staffEmail: 'agent@lumiere.test',
      language: 'fr',
      timeZone: 'Mars/Olympus',
    });
    expect(zoneBad.status).toBe(400);
    expect(zoneBad.text).toMatch(/id="field-timeZone"[^>]*aria-invalid="true"/);
    expect(zoneBad.text).toContain('value="Mars/Olympus"');

    const created = await browser.post('/platform/authorities/new').set('Host', HOST).type('form').send({
      _csrf: form.csrf,
      name: 'Métropole de Lumière',
      slug: 'lumiere',
      hosts: 'financement.lumiere.test\r\nlumiere.test',
      staffEmail: 'agent@lumiere.test',
      staffName: 'Agnès Agent',
      language: 'fr',
      timeZone: 'Europe/Paris',
      senderName: '',
      senderEmail: '',
    });
    expect(created.status).toBe(303);
    const authorityPath = created.headers.location.split('?')[0];
    expect(created.headers.location).toMatch(/^\/platform\/authorities\/[0-9a-f-]{36}\?created=1$/);
    const shown = await openPage(browser, HOST, created.headers.location);
    expect(shown.html).toContain('role="status"');
    expect(shown.html).toContain('The invitation was sent to agent@lumiere.test.');
    // The one-time message is not repeated once the page is opened again.
    expect((await openPage(browser, HOST, authorityPath)).html).not.toContain('The invitation was sent');
    await t.sendMail();
    expect(smtp.to('agent@lumiere.test')).toHaveLength(1);

    const taken = await browser.post('/platform/authorities/new').set('Host', HOST).type('form').send({
      _csrf: form.csrf,
      name: 'Autre',
      slug: 'lumiere',
      staffEmail: 'x@autre.test',
      language: 'en',
      timeZone: 'Europe/Paris',
    });
    expect(taken.status).toBe(400);
    expect(taken.text).toMatch(/id="field-slug"[^>]*aria-invalid="true"/);
    expect(taken.text).toContain('An authority already uses the slug');

    const list = await openPage(browser, HOST, '/platform');
    expect(list.html).toContain('Métropole de Lumière');
    expect(list.html).toContain('financement.lumiere.test');
    expect(list.html).toContain('badge-active');
    expect(list.html).toContain('data-label="Host names"');

    // Edit: name, hosts, sender, language, time zone; a one-time "saved".
    const edit = await openPage(browser, HOST, authorityPath);
    expect(edit.html).toContain('financement.lumiere.test\nlumiere.test</textarea>');
    const badEdit = await browser.post(authorityPath).set('Host', HOST).type('form').send({ _csrf: edit.csrf, name: 'X', hosts: 'financement.lumiere.test' });
    expect(badEdit.status).toBe(400);
    expect(badEdit.text).toMatch(/id="field-name"[^>]*aria-invalid="true"/);
    const saved = await browser.post(authorityPath).set('Host', HOST).type('form').send({
      _csrf: edit.csrf,
      name: 'Lumière Métropole',
      hosts: 'financement.lumiere.test',
      language: 'en',
      timeZone: 'Europe/Brussels',
      senderName: 'Lumière',
      senderEmail: 'contact@lumiere.test',
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`${authorityPath}?saved=1`);
    const after = await openPage(browser, HOST, saved.headers.location);
    expect(after.html).toContain('Changes saved.');
    expect(after.html).toContain('value="Europe/Brussels"');
    const [row] = await t.ds.query(`SELECT name, default_locale, time_zone, sender_email FROM tenant WHERE slug = 'lumiere'`);
    expect(row).toEqual({ name: 'Lumière Métropole', default_locale: 'en', time_zone: 'Europe/Brussels', sender_email: 'contact@lumiere.test' });
    expect((await t.http().get('/').set('Host', 'lumiere.test')).status).toBe(404);

    // Suspend, after a page that says what happens.
    const ask = await openPage(browser, HOST, `${authorityPath}/suspend`);
    expect(ask.status).toBe(200);
    expect(ask.html).toContain('nothing is deleted');
    expect(ask.html).toContain('reactivating it restores everything');
    const suspended = await browser.post(`${authorityPath}/suspend`).set('Host', HOST).type('form').send({ _csrf: ask.csrf });
    expect(suspended.status).toBe(303);
    expect((await openPage(browser, HOST, '/platform')).html).toContain('badge-suspended');
    const site = await t.http().get('/').set('Host', 'financement.lumiere.test').set('Accept', 'text/html');
    expect(site.status).toBe(403);
    expect(site.text).toContain('Lumière Métropole');

    // Reactivation is confirmed too, and restores the site.
    const again = await openPage(browser, HOST, `${authorityPath}/reactivate`);
    expect(again.html).toContain('Reactivate Lumière Métropole');
    const reactivated = await browser.post(`${authorityPath}/reactivate`).set('Host', HOST).type('form').send({ _csrf: again.csrf });
    expect(reactivated.status).toBe(303);
    expect((await openPage(browser, HOST, reactivated.headers.location)).html).toContain('is active again');
    expect((await t.http().get('/').set('Host', 'financement.lumiere.test').set('Accept', 'text/html')).status).toBe(200);

    // Sign out ends the session: the same cookie no longer opens the list.
    const page = await openPage(browser, HOST, '/platform');
    const out = await browser.post('/platform/sign-out').set('Host', HOST).type('form').send({ _csrf: page.csrf });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/platform/sign-in?signedOut=1');
    const session = cookie.split(';')[0];
    const stale = await t.http().get('/platform').set('Host', HOST).set('Cookie', session).set('Accept', 'text/html');
    expect(stale.status).toBe(303);
    expect(stale.headers.location).toBe('/platform/sign-in');
  });

  it("keeps authorities' staff out: a tenant session cookie is no platform credential", async () => {
    const res = await t.http().get('/platform/authorities/new').set('Host', HOST).set('Cookie', 'tremplin_session=abc').set('Accept', 'application/json');
    expect(res.status).toBe(401);
  });
});
