import { AuthService } from '../../src/auth/auth.service.js';
import { TenantsService } from '../../src/tenants/tenants.service.js';
import { createLaureates, type TestLaureate } from '../factories/coaching.js';
import { createCall, createPerson, createProgramme, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { addPartner, createCampaign, forcePhase, plain, REFERENCE_TIMELINE, sponsor, xmlProblems } from '../factories/public-pages.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * The public programme page through a programme's life, its share metadata and caching, the sitemap
 * and robots.txt: what a citizen (or a crawler) may read, and nothing else.
 */
const unescapeEq = (html: string) => html.replace(/&#x3D;/g, '=');

describe('public programme pages', () => {
  let t: TestApp;
  let city: TestTenant;
  let other: TestTenant;
  let staff: TestPerson;
  const site = () => `http://${city.host}`;

  const get = (path: string, tt: TestTenant = city, headers: Record<string, string> = {}) =>
    t.http().get(path).set('Host', tt.host).set('Accept', 'text/html').set(headers);

  /** A programme of `city` with its call, in a phase, on the reference timeline. */
  async function programme(slug: string, phase: Parameters<typeof forcePhase>[3], laureates = 0): Promise<{ id: string; laureates: TestLaureate[] }> {
    const p = await createProgramme(t, city, staff, { slug });
    await createCall(t, city, staff, p.id, { text: { fr: `Texte de l'appel ${slug}\nDeuxième ligne`, en: `Call text ${slug}` } });
    const list = laureates ? await createLaureates(t, city, staff, p.id, laureates, { prefix: slug.replace(/-/g, '') }) : [];
    await forcePhase(t, city, p.id, phase, REFERENCE_TIMELINE);
    return { id: p.id, laureates: list };
  }

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    city = await createTenant(t, { slug: 'lumiere' });
    other = await createTenant(t, { slug: 'ailleurs' });
    staff = await createPerson(t, city, 'staff', { email: 'agent@lumiere.test' });
  });
  afterAll(() => t.close());

  it('shows a text written only in French on the English pages, marked lang="fr"', async () => {
    // An authority of its own, so that the other tests' lists stay as they are.
    const bilingual = await createTenant(t, { slug: 'bilingue' });
    const agent = await createPerson(t, bilingual, 'staff', { email: 'agent@bilingue.test' });
    const p = await createProgramme(t, bilingual, agent, { slug: 'french-only', title: { fr: 'Seulement en français' }, summary: { fr: 'Un résumé' } });
    await createCall(t, bilingual, agent, p.id, { text: { fr: "Le texte de l'appel" } });
    await forcePhase(t, bilingual, p.id, 'call_open', REFERENCE_TIMELINE);
    const get = (path: string) => t.http().get(path).set('Host', bilingual.host).set('Accept', 'text/html');
    const en = await get('/programmes/french-only?lang=en').expect(200);
    expect(en.text).toMatch(/<html[^>]* lang="en"/);
    expect(en.text).toContain('<h1><span lang="fr">Seulement en français</span></h1>');
    expect(en.text).toContain('<p class="lead"><span lang="fr">Un résumé</span></p>');
    expect(en.text).toContain('<div class="call-text" lang="fr">Le texte de l&#x27;appel</div>');
    const home = await get('/?lang=en').expect(200);
    expect(home.text).toContain('<span lang="fr">Seulement en français</span>');
    // In French, the same text needs no mark.
    const fr = await get('/programmes/french-only?lang=fr').expect(200);
    expect(fr.text).toContain('<h1>Seulement en français</h1>');
  });

  it('during the call: the call text in both languages, the apply link, the timeline with the current phase, the partners', async () => {
    const { id } = await programme('makers-call', 'call_open');
    await addPartner(t, city, id, { name: 'Fablab du Port', logoUrl: 'https://cdn.example.org/fablab.png', description: 'Machines et conseils' });
    await addPartner(t, city, id, { name: 'Université', description: 'Design' });

    const fr = await get('/programmes/makers-call?lang=fr').expect(200);
    expect(fr.text).toContain('Makers : économie circulaire');
    expect(fr.text).toContain('Texte de l&#x27;appel makers-call\nDeuxième ligne');
    expect(fr.text).toContain('href="/programmes/makers-call/apply"');
    expect(fr.text).toMatch(/<li class="timeline-current" aria-current="step">\s*<span class="timeline-phase">Appel à projets ouvert/);
    expect(fr.text).toContain('src="https://cdn.example.org/fablab.png" alt="Logo de Fablab du Port"');
    expect(fr.text).toContain('<h3>Université</h3>');
    // The countdown to the campaigns (7 September 07:00Z, 144 days and 21 hours away).
    expect(plain(fr.text)).toContain('Les campagnes ouvrent dans 145 jours, le 7 septembre 2026 à 09:00.');
    expect(fr.text).not.toContain('laureates-title');

    const en = await get('/programmes/makers-call?lang=en').expect(200);
    expect(en.text).toContain('<html lang="en">');
    expect(en.text).toContain('Call text makers-call');
    expect(en.text).toContain('Apply with your project');
    expect(en.text).toContain('alt="Fablab du Port logo"');

    // Through the /t/<slug> prefix, links keep the prefix.
    const prefixed = await t.http().get('/t/lumiere/programmes/makers-call').set('Accept', 'text/html').expect(200);
    expect(prefixed.text).toContain('href="/t/lumiere/programmes/makers-call/apply"');
  });

  it('carries share metadata and absolute canonical and alternate URLs', async () => {
    // Handlebars escapes "=" in attribute values as &#x3D; (same URL once parsed): undone for reading.
    const html = unescapeEq((await get('/programmes/makers-call?lang=en&utm_source=bus').expect(200)).text);
    const meta = (attr: string, key: string) => html.match(new RegExp(`<meta ${attr}="${key}" content="([^"]*)">`))?.[1];
    expect(html).toContain(`<link rel="canonical" href="${site()}/programmes/makers-call?lang=en">`);
    expect(html).toContain(`<link rel="alternate" hreflang="fr" href="${site()}/programmes/makers-call?lang=fr">`);
    expect(html).toContain(`<link rel="alternate" hreflang="en" href="${site()}/programmes/makers-call?lang=en">`);
    expect(html).toContain(`<link rel="alternate" hreflang="x-default" href="${site()}/programmes/makers-call">`);
    expect(meta('property', 'og:url')).toBe(`${site()}/programmes/makers-call?lang=en`);
    expect(meta('property', 'og:title')).toBe('Makers: circular economy');
    expect(meta('property', 'og:description')).toBe('Call for projects');
    expect(meta('property', 'og:site_name')).toBe('Ville lumiere');
    expect(meta('property', 'og:locale')).toBe('en_GB');
    expect(meta('property', 'og:locale:alternate')).toBe('fr_FR');
    // No logo yet: no image, and the small card.
    expect(meta('property', 'og:image')).toBeUndefined();
    expect(meta('name', 'twitter:card')).toBe('summary');
    expect(meta('name', 'twitter:title')).toBe('Makers: circular economy');

    await t.app.get(TenantsService).updateBranding(city.tenant, { logoUrl: 'https://cdn.example.org/lumiere.png' }, staff.userId);
    t.clock.advance(6_000); // past the page cache (5 s)
    const text = unescapeEq((await get('/programmes/makers-call?lang=fr').expect(200)).text);
    expect(text).toContain('<meta property="og:image" content="https://cdn.example.org/lumiere.png">');
    expect(text).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(text).toContain('<meta property="og:locale" content="fr_FR">');
    for (const m of text.matchAll(/<(?:link rel="(?:canonical|alternate)" (?:hreflang="[^"]+" )?href|meta property="og:(?:url|image)" content)="([^"]+)"/g)) {
      expect(m[1]).toMatch(/^https?:\/\/[^/]+\//);
    }
  });

  it('is cacheable for anonymous visitors (Cache-Control, ETag, 304) and never shares a CSRF cookie; private once signed in', async () => {
    const first = await get('/programmes/makers-call?lang=fr').expect(200);
    expect(first.headers['cache-control']).toBe('public, max-age=30');
    expect(first.headers.vary).toContain('Cookie');
    expect(first.headers.etag).toMatch(/^W\/"[\w-]+"$/);
    const cookies = ([] as string[]).concat(first.headers['set-cookie'] ?? []);
    expect(cookies.some((c) => c.startsWith('tremplin_csrf='))).toBe(false);
    expect(cookies.some((c) => c.startsWith('tremplin_lang=fr'))).toBe(true);
    const again = await get('/programmes/makers-call?lang=fr', city, { 'If-None-Match': first.headers.etag }).expect(304);
    expect(again.text ?? '').toBe('');
    await get('/programmes/makers-call?lang=en', city, { 'If-None-Match': first.headers.etag }).expect(200);

    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const browser = t.http();
    const signIn = await openPage(browser, city.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', city.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: 'agent@lumiere.test', password: 'a long enough password' })
      .expect(303);
    const mine = await browser.get('/programmes/makers-call').set('Host', city.host).set('Accept', 'text/html').expect(200);
    expect(mine.headers['cache-control']).toBe('private, no-cache');
    expect(mine.text).toContain('name="_csrf"');
  });

  it('keeps a change out for at most the cache delay (5 s per instance)', async () => {
    const { id, laureates } = await programme('makers-stale', 'campaign', 1);
    const campaignId = await createCampaign(t, city, id, laureates[0], {
      slug: 'atelier',
      title: 'Atelier',
      status: 'live',
      goalCents: 100_000,
      collectedCents: 10_000,
      contributorCount: 2,
    });
    t.clock.set('2026-09-10T08:00:00Z');
    expect(plain((await get('/programmes/makers-stale?lang=fr')).text)).toContain('100 € collectés');
    await t.ds.query('UPDATE campaign SET collected_cents = 30000, contributor_count = 5 WHERE id = $1', [campaignId]);
    t.clock.advance(4_000);
    expect(plain((await get('/programmes/makers-stale?lang=fr')).text)).toContain('100 € collectés');
    t.clock.advance(1_500);
    const fresh = plain((await get('/programmes/makers-stale?lang=fr')).text);
    expect(fresh).toContain('300 € collectés');
    expect(fresh).toContain('5 contributeurs');
    t.clock.set('2026-04-15T10:00:00Z');
  });

  it('names the laureates only once announced, with their sponsors and without any contact data', async () => {
    const jury = await programme('makers-jury', 'jury', 2);
    t.clock.set('2026-06-12T10:00:00Z');
    const hidden = await get('/programmes/makers-jury?lang=en').expect(200);
    for (const l of jury.laureates) expect(hidden.text).not.toContain(l.title);
    expect(hidden.text).toContain('The laureates will be announced on 25 June 2026 at 09:00.');

    const partnerId = await addPartner(t, city, jury.id, { name: 'Maison du Vélo' });
    await sponsor(t, city, jury.id, partnerId, jury.laureates[0].applicationId);
    await forcePhase(t, city, jury.id, 'announced');
    const shown = await get('/programmes/makers-jury?lang=fr').expect(200);
    expect(shown.text).toContain('id="laureates-title"');
    for (const l of jury.laureates) expect(shown.text).toContain(l.title);
    expect(shown.text).toContain('Parrainé par Maison du Vélo');
    expect(shown.text).toContain('Roubaix · Réparation');
    const rows = await t.ds.query(`SELECT email, phone, applicant_name, organisation, postcode FROM application WHERE programme_id = $1`, [jury.id]);
    for (const r of rows) {
      for (const secret of [r.email, r.phone, r.applicant_name, r.organisation, r.postcode]) expect(shown.text).not.toContain(secret);
    }
    expect(shown.text).not.toMatch(/@example\.org|\+33/);
  });

  it('before the window: approved campaigns are listed with their goal and a countdown; unapproved ones never', async () => {
    const { id, laureates } = await programme('makers-comm', 'communication', 3);
    await createCampaign(t, city, id, laureates[0], { slug: 'velo', title: 'Vélo pour tous', status: 'approved', goalCents: 500_000 });
    await createCampaign(t, city, id, laureates[1], { slug: 'brouillon', title: 'Brouillon secret', status: 'draft', goalCents: 300_000 });
    await createCampaign(t, city, id, laureates[2], { slug: 'relecture', title: 'En relecture', status: 'in_review', goalCents: 300_000 });
    t.clock.set('2026-09-04T07:00:00Z');
    const fr = plain((await get('/programmes/makers-comm?lang=fr').expect(200)).text);
    expect(fr).toContain('href="/programmes/makers-comm/campaigns/velo"');
    expect(fr).toContain('Objectif : 5 000 €');
    expect(fr).toContain('Les campagnes ouvrent dans 3 jours, le 7 septembre 2026 à 09:00.');
    expect(fr).not.toContain('<progress');
    expect(fr).not.toContain('Brouillon secret');
    expect(fr).not.toContain('En relecture');
    t.clock.set('2026-09-07T04:00:00Z');
    const en = (await get('/programmes/makers-comm?lang=en')).text;
    expect(en).toContain('The campaigns open in 3 hours, on 7 September 2026 at 09:00.');
  });

  it('during the window: every public campaign with its bar, amounts per locale, contributors and days left', async () => {
    const { id, laureates } = await programme('makers-window', 'campaign', 3);
    await createCampaign(t, city, id, laureates[0], {
      slug: 'velo',
      title: 'Vélo pour tous',
      summary: 'Un atelier',
      status: 'live',
      goalCents: 500_000,
      collectedCents: 123_400,
      matchedCents: 20_000,
      contributorCount: 1234,
    });
    await createCampaign(t, city, id, laureates[1], {
      slug: 'jardin',
      title: 'Jardin partagé',
      status: 'live',
      goalCents: 100_000,
      collectedCents: 150_050,
      contributorCount: 1,
    });
    await createCampaign(t, city, id, laureates[2], { slug: 'refus', title: 'Changements demandés', status: 'changes_requested', goalCents: 100_000 });
    // 10 September 08:00Z; the window closes on 19 October 16:00Z: 39 days and 8 hours → 40 days left.
    t.clock.set('2026-09-10T08:00:00Z');
    const fr = plain((await get('/programmes/makers-window?lang=fr').expect(200)).text);
    expect(fr).toContain('<progress class="progress-bar" max="100" value="28" aria-label="Vélo pour tous : 28 % de l&#x27;objectif">28 %</progress>');
    expect(fr).toContain('1 234 € collectés');
    expect(fr).toContain('28 % de l&#x27;objectif de 5 000 €');
    expect(fr).toContain('plus 200 € d&#x27;abondement');
    expect(fr).toContain('1 234 contributeurs');
    expect(fr).toContain('40 jours restants');
    expect(fr).toContain('Plus que 40 jours pour soutenir les projets');
    // Over the goal: the bar is full, the text says how far over.
    expect(fr).toContain('value="100" aria-label="Jardin partagé : 150 % de l&#x27;objectif"');
    expect(fr).toContain('1 500,50 € collectés');
    expect(fr).toContain('1 contributeur<');
    expect(fr).not.toContain('Changements demandés');
    expect(fr).not.toContain('campaigns/refus');
    // The laureates link to their campaign when it is public.
    expect(fr).toMatch(/<h3><a href="\/programmes\/makers-window\/campaigns\/velo">Vélo pour tous<\/a><\/h3>/);

    const en = plain((await get('/programmes/makers-window?lang=en')).text);
    expect(en).toContain('€1,234 collected');
    expect(en).toContain('28% of the €5,000 goal');
    expect(en).toContain('1,234 contributors');
    expect(en).toContain('40 days left');
    expect(en).toContain('The campaigns are open until 19 October 2026 at 18:00');
    expect(en).not.toContain('/apply"');
  });

  it('after the window: outcomes, 0 days left, and a link to the results', async () => {
    const { id, laureates } = await programme('makers-results', 'results', 2);
    await createCampaign(t, city, id, laureates[0], {
      slug: 'reussi',
      title: 'Réussi',
      status: 'funded',
      goalCents: 100_000,
      collectedCents: 120_000,
      contributorCount: 40,
    });
    const missed = await createCampaign(t, city, id, laureates[1], {
      slug: 'manque',
      title: 'Manqué',
      status: 'not_funded',
      goalCents: 100_000,
      collectedCents: 0,
      contributorCount: 0,
    });
    // All or nothing: the 996 € it reached were refunded, and the card still says so (a near miss stays visible).
    for (const [i, cents, status] of [
      [1, 60_000, 'refunded'],
      [2, 39_600, 'refund_due'],
      [3, 5_000, 'failed'],
    ] as const) {
      await t.ds.query(
        `INSERT INTO contribution (tenant_id, programme_id, campaign_id, amount_cents, email, email_key, status, provider, idempotency_key, request_hash, expires_at, confirmed_at)
         VALUES ($1, $2, $3, $4, $5, $5, $6, 'pledge', $7, 'h', now(), CASE WHEN $6 = 'failed' THEN NULL ELSE now() END)`,
        [city.tenant.id, id, missed, cents, `p${i}@example.org`, status, `missed-${i}`],
      );
    }
    t.clock.set('2026-10-30T08:00:00Z');
    t.app.get((await import('../../src/public/public-pages.service.js')).PublicPagesService).invalidate(city.tenant.id);
    const fr = (await get('/programmes/makers-results?lang=fr').expect(200)).text;
    expect(fr).toMatch(/996\s€ sur 1\s000\s€ — les contributions ont été remboursées/);
    expect(fr).toContain('2 contributeurs');
    const en = (await get('/programmes/makers-results?lang=en').expect(200)).text;
    expect(en).toContain('>Funded<');
    expect(en).toContain('>Not funded<');
    expect(en).toContain('Collection closed');
    expect(en).toContain('href="/programmes/makers-results/results"');
    expect(en).toContain('The collection closed on 19 October 2026 at 18:00.');
  });

  it("answers 404 for a draft programme, an unknown slug and another authority's programme", async () => {
    await createProgramme(t, city, staff, { slug: 'makers-draft' });
    await get('/programmes/makers-draft').expect(404);
    await get('/programmes/nope-nope').expect(404);
    await get('/programmes/NOT..a%20slug').expect(404);
    const otherStaff = await createPerson(t, other, 'staff');
    const theirs = await createProgramme(t, other, otherStaff, { slug: 'leur-appel' });
    await forcePhase(t, other, theirs.id, 'call_open');
    await get('/programmes/leur-appel', other).expect(200);
    const res = await get('/programmes/leur-appel').expect(404);
    expect(res.text).not.toContain('circular');
  });

  it('serves a per-authority sitemap of public pages only, as valid XML with absolute URLs and lastmod', async () => {
    // A campaign approved while the programme is still in coaching is not public yet.
    const { id, laureates } = await programme('makers-coaching', 'coaching', 1);
    await createCampaign(t, city, id, laureates[0], { slug: 'trop-tot', title: 'Trop tôt', status: 'approved', goalCents: 100_000 });
    const res = await get('/sitemap.xml').expect(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(xmlProblems(res.text)).toEqual([]);
    expect(res.text).toContain('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">');
    const locs = [...res.text.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    const paths = new Set(locs.map((l) => l.replace(site(), '').replace(/\?lang=(fr|en)$/, '')));
    for (const l of locs) expect(l).toMatch(new RegExp(`^${site().replace(/\./g, '\\.')}/.*\\?lang=(fr|en)$`));
    expect(locs.length).toBe(paths.size * 2);
    expect(paths).toEqual(
      new Set([
        '/',
        '/programmes/makers-call',
        '/programmes/makers-call/apply',
        '/programmes/makers-stale',
        '/programmes/makers-stale/campaigns/atelier',
        '/programmes/makers-jury',
        '/programmes/makers-comm',
        '/programmes/makers-comm/campaigns/velo',
        '/programmes/makers-window',
        '/programmes/makers-window/campaigns/velo',
        '/programmes/makers-window/campaigns/jardin',
        '/programmes/makers-results',
        '/programmes/makers-results/results',
        '/programmes/makers-results/campaigns/reussi',
        '/programmes/makers-results/campaigns/manque',
        '/programmes/makers-coaching',
      ]),
    );
    expect(res.text).not.toMatch(/makers-draft|leur-appel|trop-tot|brouillon|relecture|refus/);
    const entries = res.text.match(/<url>.*?<\/url>/g)!;
    for (const e of entries) {
      expect(e).toMatch(/<lastmod>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ<\/lastmod>/);
      expect(e).toMatch(/<xhtml:link rel="alternate" hreflang="x-default" href="http:\/\/lumiere\.test\/[^"?]*"\/>/);
    }

    const theirs = await get('/sitemap.xml', other).expect(200);
    expect(xmlProblems(theirs.text)).toEqual([]);
    expect(theirs.text).toContain('<loc>http://ailleurs.test/programmes/leur-appel?lang=fr</loc>');
    expect(theirs.text).not.toContain('makers');
  });

  it('serves robots.txt pointing to the sitemap and keeping crawlers out of signed-in areas', async () => {
    const res = await get('/robots.txt').expect(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    for (const area of ['/staff', '/jury', '/api', '/me', '/applications']) expect(res.text).toContain(`Disallow: ${area}\n`);
    expect(res.text).toContain(`Sitemap: ${site()}/sitemap.xml`);
    expect(res.text).toMatch(/^User-agent: \*/);
  });

  it('dates each past phase on the timeline by the day it really began, never "date à venir"', async () => {
    // No schedule at all: staff move the phases by hand on three different days.
    const p = await createProgramme(t, city, staff, { slug: 'by-hand' });
    await createCall(t, city, staff, p.id, { text: { fr: 'Appel à la main' } });
    const programmes = t.app.get((await import('../../src/programmes/programmes.service.js')).ProgrammesService);
    t.clock.set('2026-03-02T09:00:00Z');
    await programmes.transition(city.tenant, p.id, 'call_open', 'ouverture', staff.userId);
    t.clock.set('2026-03-20T17:30:00Z');
    await programmes.transition(city.tenant, p.id, 'screening', 'clôture', staff.userId);
    t.clock.set('2026-04-15T10:00:00Z');
    t.app.get((await import('../../src/public/public-pages.service.js')).PublicPagesService).invalidate(city.tenant.id);
    const page = unescapeEq((await get('/programmes/by-hand?lang=fr').expect(200)).text);
    const timeline = page.slice(page.indexOf('<ol class="timeline"'));
    const row = (phase: string) => timeline.slice(timeline.indexOf(`${phase}</span>`), timeline.indexOf('</li>', timeline.indexOf(`${phase}</span>`)));
    expect(row('Appel à projets ouvert')).toContain('<time datetime="2026-03-02T09:00:00.000Z">');
    expect(row('Instruction des candidatures')).toContain('<time datetime="2026-03-20T17:30:00.000Z">');
    expect(row('Appel à projets ouvert')).not.toContain('date à venir');
    // Phases to come have no date yet.
    expect(row('Jury')).toContain('date à venir');
  });

  it('opens the home page on what the programmes ask now: give first, then apply, drafts never shown', async () => {
    const town = await createTenant(t, { slug: 'accueil' });
    const agent = await createPerson(t, town, 'staff', { email: 'agent@accueil.test' });
    const make = async (slug: string, phase: Parameters<typeof forcePhase>[3]) => {
      const p = await createProgramme(t, town, agent, { slug, title: { fr: `Programme ${slug}` } });
      await createCall(t, town, agent, p.id, { text: { fr: 'Appel' } });
      await forcePhase(t, town, p.id, phase, REFERENCE_TIMELINE);
    };
    await make('fini', 'results');
    await make('appel', 'call_open');
    await make('collecte', 'campaign');
    await make('brouillon', 'draft');
    const res = await t.http().get('/?lang=fr').set('Host', town.host).set('Accept', 'text/html').expect(200);
    const html = unescapeEq(res.text);
    expect(res.headers['cache-control']).toContain('public');
    const order = ['Programme collecte', 'Programme appel', 'Programme fini'].map((x) => html.indexOf(x));
    expect(order.every((i) => i > 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(html).not.toContain('Programme brouillon');
    // The hero leads with the collection; each card has its own call to action.
    expect(html).toMatch(/class="home-hero-call">La collecte de « Programme collecte » est ouverte/);
    expect(html).toContain('href="/programmes/appel/apply">Déposer un projet');
    expect(html).toContain('href="/programmes/fini/results">Voir les résultats');
    expect(html).toMatch(/0\s€ déjà collectés pour 0 projet, aucun soutien pour l’instant · jusqu’au/);
  });

  it('reads the home page once per 5 s for everyone anonymous, shows a new name at once, and renders signed-in people their own', async () => {
    const town = await createTenant(t, { slug: 'accueil-cache' });
    const agent = await createPerson(t, town, 'staff', { email: 'agent.cachet@accueil-cache.test' });
    const p = await createProgramme(t, town, agent, { slug: 'appel', title: { fr: 'Appel de printemps' } });
    await createCall(t, town, agent, p.id, { text: { fr: 'Appel' } });
    await forcePhase(t, town, p.id, 'call_open', REFERENCE_TIMELINE);
    const home = async (headers: Record<string, string> = {}) =>
      unescapeEq((await t.http().get('/?lang=fr').set('Host', town.host).set('Accept', 'text/html').set(headers).expect(200)).text);
    expect(await home()).toContain('Appel de printemps');
    // Written behind the app's back: the page read 0 s ago is served as it was, then read again after 5 s.
    await t.ds.query(`UPDATE programme SET title = '{"fr": "Appel estival"}' WHERE id = $1`, [p.id]);
    expect(await home()).toContain('Appel de printemps');
    t.clock.advance(5_000);
    expect(await home()).toContain('Appel estival');
    // The authority's name (the tenant changed on this instance): a new rendering at once.
    await t.app.get(TenantsService).updateBranding(town.tenant, { name: 'Bourg-Accueil' }, agent.userId);
    expect(await home()).toContain('Bourg-Accueil');
    // Signed in: the header is this person's (their space, the staff desk, sign-out), never shared.
    expect(await home(agent.headers)).toContain('href="/staff"');
    expect(await home()).not.toContain('href="/staff"');
    expect(await home()).toContain('href="/sign-in"');
  });
});
