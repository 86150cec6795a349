import { AuthService } from '../../src/auth/auth.service.js';
import { sharedTranslations } from '../../src/common/web/i18n.js';
import { PlatformService } from '../../src/platform/platform.service.js';
import { createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const PLATFORM_HOST = 'admin.installation.test';
const fieldsOf = (res: { body: { errors?: Array<{ field: string }> } }) => (res.body.errors ?? []).map((e) => e.field);

/** Issue 15: an authority chooses its languages (one or more, among the installed catalogues) and its default. */
describe('an authority’s languages', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let city: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    t = await startTestApp({ config: { publicUrl: `http://${PLATFORM_HOST}` } });
    const { link } = await t.app.get(PlatformService).createAdmin('root@installation.test');
    const consumed = await t
      .http()
      .post('/api/platform/sign-in-links/consume')
      .set('Host', PLATFORM_HOST)
      .send({ token: link.split('/').pop() })
      .expect(201);
    admin = { Authorization: `Bearer ${consumed.body.token}`, Host: PLATFORM_HOST };
    city = await createTenant(t, { slug: 'polyglot' });
    staff = await createPerson(t, city, 'staff', { email: 'agent@polyglot.test' });
  });
  afterAll(() => t.close());

  const authority = (overrides: Record<string, unknown>) => ({
    name: 'Ville Test',
    staffEmail: `agent-${Object.keys(overrides).join('-')}@example.org`,
    timeZone: 'Europe/Paris',
    ...overrides,
  });

  it('are set by a platform admin through the API, and refused when they do not hold together', async () => {
    const created = await t
      .http()
      .post('/api/platform/tenants')
      .set(admin)
      .send(authority({ slug: 'bilingue', languages: ['fr', 'en'], defaultLanguage: 'en' }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ languages: ['fr', 'en'], defaultLocale: 'en' });

    // `language` is the shorthand for one language.
    const one = await t
      .http()
      .post('/api/platform/tenants')
      .set(admin)
      .send(authority({ slug: 'anglais', language: 'en' }));
    expect(one.status).toBe(201);
    expect(one.body).toMatchObject({ languages: ['en'], defaultLocale: 'en' });

    const noCatalogue = await t
      .http()
      .post('/api/platform/tenants')
      .set(admin)
      .send(authority({ slug: 'klingon', languages: ['fr', 'tlh'] }));
    expect(noCatalogue.status).toBe(400);
    expect(fieldsOf(noCatalogue)).toContain('languages');
    const outside = await t
      .http()
      .post('/api/platform/tenants')
      .set(admin)
      .send(authority({ slug: 'dehors', languages: ['fr'], defaultLanguage: 'en' }));
    expect(outside.status).toBe(400);
    expect(fieldsOf(outside)).toEqual(['defaultLanguage']);
    const none = await t
      .http()
      .post('/api/platform/tenants')
      .set(admin)
      .send(authority({ slug: 'muet', languages: [] }));
    expect(none.status).toBe(400);
    expect(fieldsOf(none)).toEqual(['languages']);

    // A change keeps the default while it is offered, and refuses dropping it without naming another.
    const id = created.body.id;
    const dropDefault = await t
      .http()
      .patch(`/api/platform/tenants/${id}`)
      .set(admin)
      .send({ languages: ['fr'] });
    expect(dropDefault.status).toBe(400);
    expect(fieldsOf(dropDefault)).toEqual(['defaultLanguage']);
    const emptied = await t.http().patch(`/api/platform/tenants/${id}`).set(admin).send({ languages: [] });
    expect(emptied.status).toBe(400);
    expect(fieldsOf(emptied)).toContain('languages');
    const french = await t
      .http()
      .patch(`/api/platform/tenants/${id}`)
      .set(admin)
      .send({ languages: ['fr'], defaultLanguage: 'fr' });
    expect(french.status).toBe(200);
    expect(french.body).toMatchObject({ languages: ['fr'], defaultLocale: 'fr' });
    const unchanged = await t.http().patch(`/api/platform/tenants/${id}`).set(admin).send({ name: 'Ville Test renommée' });
    expect(unchanged.body).toMatchObject({ languages: ['fr'], defaultLocale: 'fr' });
  });

  it('are one checkbox per installed language on the platform form, named in its own language', async () => {
    const { link } = await t.app.get(PlatformService).createAdmin('root@installation.test');
    const browser = t.http();
    const path = new URL(link).pathname;
    const confirm = await openPage(browser, PLATFORM_HOST, path);
    await browser.post(path).set('Host', PLATFORM_HOST).type('form').send({ _csrf: confirm.csrf }).expect(303);

    const form = await openPage(browser, PLATFORM_HOST, '/platform/authorities/new');
    const installed = sharedTranslations().locales;
    for (const l of installed) {
      expect(form.html).toMatch(new RegExp(`<input type="checkbox" id="field-languages(-${l})?" name="languages" value="${l}"`));
      expect(form.html).toContain(`lang="${l}">${sharedTranslations().nativeName(l)}</label>`);
      expect(form.html).toContain(`<option value="${l}" lang="${l}"`);
    }
    const created = await browser
      .post('/platform/authorities/new')
      .set('Host', PLATFORM_HOST)
      .type('form')
      .send(
        `_csrf=${form.csrf}&name=Ville+Form&slug=ville-form&staffEmail=a%40ville-form.test&languages=fr&languages=en&defaultLanguage=en&timeZone=Europe%2FParis`,
      );
    expect(created.status).toBe(303);
    const authorityPath = created.headers.location.split('?')[0];
    const [row] = await t.ds.query(`SELECT languages, default_locale FROM tenant WHERE slug = 'ville-form'`);
    expect(row).toEqual({ languages: ['fr', 'en'], default_locale: 'en' });

    const edit = await openPage(browser, PLATFORM_HOST, authorityPath);
    expect(edit.html).toMatch(/name="languages" value="en" checked/);
    expect(edit.html).toContain('<input type="hidden" name="_languages" value="shown">');
    expect(edit.html).toMatch(/<option value="en" lang="en" selected>/);
    // Nothing ticked: refused, next to the field.
    const none = await browser
      .post(authorityPath)
      .set('Host', PLATFORM_HOST)
      .type('form')
      .send({ _csrf: edit.csrf, _languages: 'shown', name: 'Ville Form', defaultLanguage: 'en' });
    expect(none.status).toBe(400);
    expect(none.text).toContain('href="#field-languages"');
    expect(none.text).toMatch(/id="field-languages"[^>]*aria-invalid="true"/);
    const outside = await browser
      .post(authorityPath)
      .set('Host', PLATFORM_HOST)
      .type('form')
      .send({ _csrf: edit.csrf, name: 'Ville Form', languages: 'fr', defaultLanguage: 'en' });
    expect(outside.status).toBe(400);
    expect(outside.text).toMatch(/id="field-defaultLanguage"[^>]*aria-invalid="true"/);
    const list = await openPage(browser, PLATFORM_HOST, '/platform');
    expect(list.html).toContain('<span lang="en">English</span>, <span lang="fr">Français</span>');
  });

  it('are set by the authority’s staff on the branding API and page', async () => {
    const api = t.http();
    const dropDefault = await api
      .patch('/api/tenant/branding')
      .set(staff.headers)
      .send({ languages: ['en'] });
    expect(dropDefault.status).toBe(400);
    expect(fieldsOf(dropDefault)).toEqual(['defaultLocale']);
    const none = await api.patch('/api/tenant/branding').set(staff.headers).send({ languages: [] });
    expect(none.status).toBe(400);
    expect(fieldsOf(none)).toEqual(['languages']);
    const zone = await api.patch('/api/tenant/branding').set(staff.headers).send({ timeZone: 'Mars/Olympus' });
    expect(zone.status).toBe(400);
    expect(fieldsOf(zone)).toEqual(['timeZone']);
    const unknown = await api.patch('/api/tenant/branding').set(staff.headers).send({ defaultLocale: 'de' });
    expect(unknown.status).toBe(400);
    expect(fieldsOf(unknown)).toEqual(['defaultLocale']);
    const ok = await api
      .patch('/api/tenant/branding')
      .set(staff.headers)
      .send({ languages: ['fr', 'en'], defaultLocale: 'en' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ languages: ['fr', 'en'], defaultLocale: 'en' });
    expect((await api.get('/api/tenant').set(staff.headers)).body).toMatchObject({ languages: ['fr', 'en'], defaultLocale: 'en' });

    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: staff.email, password: 'a long enough password' })
      .expect(303);
    const page = await openPage(browser, city.host, '/staff/branding');
    expect(page.html).toMatch(/name="languages" value="fr" checked/);
    expect(page.html).toMatch(/<option value="en" lang="en" selected>/);
    const values = { _csrf: page.csrf, name: city.tenant.name, primaryColor: '#1f4e9c', accentColor: '#b3541e', timeZone: 'Europe/Paris' };
    const none2 = await browser
      .post('/staff/branding')
      .set('Host', city.host)
      .type('form')
      .send({ ...values, _languages: 'shown', defaultLocale: 'fr' });
    expect(none2.status).toBe(400);
    expect(none2.text).toMatch(/id="field-languages"[^>]*aria-invalid="true"/);
    const saved = await browser
      .post('/staff/branding')
      .set('Host', city.host)
      .type('form')
      .send({ ...values, languages: 'fr', defaultLocale: 'fr' });
    expect(saved.status).toBe(303);
    const [row] = await t.ds.query(`SELECT languages, default_locale FROM tenant WHERE id = $1`, [city.tenant.id]);
    expect(row).toEqual({ languages: ['fr'], default_locale: 'fr' });
  });

  it('decide the language links, hreflang alternates and sitemap; a language not offered falls back to the default', async () => {
    await t
      .http()
      .patch('/api/tenant/branding')
      .set(staff.headers)
      .send({ languages: ['fr'], defaultLocale: 'fr' })
      .expect(200);
    const p = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'polyglot-call' });
    for (const lang of ['de', 'en', 'xx']) {
      const res = await t.http().get(`/programmes/${p.slug}?lang=${lang}`).set('Host', city.host).set('Accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<html lang="fr"');
    }
    const page = (await t.http().get(`/programmes/${p.slug}?lang=fr`).set('Host', city.host).set('Accept', 'text/html')).text;
    expect([...page.matchAll(/<link rel="alternate" hreflang="([^"]+)"/g)].map((m) => m[1])).toEqual(['fr', 'x-default']);
    expect(page).not.toContain('og:locale:alternate');
    expect(page).not.toContain('hreflang="en">English</a>');

    await t
      .http()
      .patch('/api/tenant/branding')
      .set(staff.headers)
      .send({ languages: ['en', 'fr'] })
      .expect(200);
    const two = (await t.http().get(`/programmes/${p.slug}?lang=fr`).set('Host', city.host).set('Accept', 'text/html')).text;
    expect([...two.matchAll(/<link rel="alternate" hreflang="([^"]+)"/g)].map((m) => m[1])).toEqual(['en', 'fr', 'x-default']);
    expect(two).toContain('<meta property="og:locale:alternate" content="en_GB">');
    expect(two).toMatch(/<a href="[^"]*lang(=|&#x3D;)en" lang="en" hreflang="en">English<\/a>/);
    const sitemap = (await t.http().get('/sitemap.xml').set('Host', city.host)).text;
    expect(sitemap).toContain(`/programmes/${p.slug}?lang=en</loc>`);
    expect(sitemap).not.toMatch(/[?&]lang=(?!en<|fr<|en"|fr")/);
  });

  it('include the person’s own language, set on /me among the authority’s', async () => {
    const person = await createPerson(t, city, 'applicant', { email: 'porteur@polyglot.test' });
    const api = t.http();
    expect((await api.patch('/api/me').set(person.headers).send({ locale: 'xx' })).status).toBe(400);
    const refused = await api.patch('/api/me').set(person.headers).send({ locale: 'tlh' });
    expect(refused.status).toBe(400);
    const en = await api.patch('/api/me').set(person.headers).send({ locale: 'en' });
    expect(en.status).toBe(200);
    expect(en.body.locale).toBe('en');
    expect((await api.patch('/api/me').set(person.headers).send({ locale: null })).body.locale).toBeNull();

    await t.app.get(AuthService).setPassword(city.tenant.id, person.userId, 'a long enough password');
    const browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: person.email, password: 'a long enough password' })
      .expect(303);
    const me = await openPage(browser, city.host, '/me?lang=fr');
    expect(me.html).toContain('<option value="en" lang="en">English</option>');
    expect(me.html).toContain('<option value="fr" lang="fr">Français</option>');
    const bad = await browser.post('/me/language').set('Host', city.host).type('form').send({ _csrf: me.csrf, locale: 'de' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/id="field-locale"[^>]*aria-invalid="true"/);
    const saved = await browser.post('/me/language').set('Host', city.host).type('form').send({ _csrf: me.csrf, locale: 'en' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/me?saved=1&lang=en');
    const [row] = await t.ds.query(`SELECT locale FROM app_user WHERE id = $1`, [person.userId]);
    expect(row.locale).toBe('en');
    // The pages follow at once (the language cookie), and the choice shows as selected.
    await openPage(browser, city.host, saved.headers.location);
    const after = await openPage(browser, city.host, '/me?saved=1');
    expect(after.html).toContain('<html lang="en"');
    expect(after.html).toContain('<option value="en" lang="en" selected>English</option>');
  });
});
