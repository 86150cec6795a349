/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { createLaureates } from '../factories/coaching.js';
import { createCall, createPerson, createProgramme, createTenant, type TestTenant } from '../factories/index.js';
import { addPartner, createCampaign, forcePhase, REFERENCE_TIMELINE, sponsor } from '../factories/public-pages.js';
import { expectAccessible, launchChromium, serve } from '../setup/browser.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const LOGO =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='160' height='80'%3E%3Crect width='160' height='80' fill='%23334455'/%3E%3C/svg%3E";

/**
 * The public programme page in headless Chromium, in each phase a citizen meets it: WCAG 2.1 AA with
 * axe-core in French and English, readable at 360 px, complete without JavaScript.
 */
describe('public programme page in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    base = await serve(t);
    city = await createTenant(t, { slug: 'soleil' });
    const staff = await createPerson(t, city, 'staff');
    const programme = async (slug: string, phase: Parameters<typeof forcePhase>[3], n: number) => {
      const p = await createProgramme(t, city, staff, { slug });
      await createCall(t, city, staff, p.id, {
        text: {
          fr: "Vous fabriquez, réparez ou réemployez ? Proposez votre projet.\nLes lauréats seront accompagnés tout l'été.",
          en: 'Do you make, repair or reuse? Submit your project.\nLaureates are coached all summer.',
        },
      });
      const laureates = n ? await createLaureates(t, city, staff, p.id, n, { prefix: slug.replace(/-/g, '') }) : [];
      const fablab = await addPartner(t, city, p.id, {
        name: 'Fablab du Port',
        logoUrl: LOGO,
        description: 'Machines, conseils et un atelier ouvert le samedi.',
      });
      await addPartner(t, city, p.id, { name: 'Université de la Côte', description: 'Design et prototypage.' });
      if (laureates[0]) await sponsor(t, city, p.id, fablab, laureates[0].applicationId);
      await forcePhase(t, city, p.id, phase, REFERENCE_TIMELINE);
      return { id: p.id, laureates };
    };
    await programme('appel', 'call_open', 0);
    const comm = await programme('bientot', 'communication', 2);
    await createCampaign(t, city, comm.id, comm.laureates[0], {
      slug: 'velo',
      title: 'Vélo pour tous',
      summary: 'Un atelier de réparation de vélos.',
      status: 'approved',
      goalCents: 500_000,
    });
    const collecte = await programme('collecte', 'campaign', 3);
    await createCampaign(t, city, collecte.id, collecte.laureates[0], {
      slug: 'velo',
      title: 'Vélo pour tous, avec un titre assez long pour passer à la ligne sur un téléphone',
      summary: 'Un atelier de réparation de vélos.',
      status: 'live',
      goalCents: 500_000,
      collectedCents: 123_400,
      matchedCents: 20_000,
      contributorCount: 1234,
    });
    await createCampaign(t, city, collecte.id, collecte.laureates[1], {
      slug: 'jardin',
      title: 'Jardin partagé',
      status: 'live',
      goalCents: 100_000,
      collectedCents: 150_050,
      contributorCount: 1,
    });
    t.clock.set('2026-09-10T08:00:00Z');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(path: string, opts: { width?: number; javaScriptEnabled?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: 800 }, javaScriptEnabled: opts.javaScriptEnabled ?? true });
    const page = await context.newPage();
    const res = await page.goto(`${base}/t/${city.tenant.slug}${path}`);
    expect(res?.status()).toBe(200);
    return page;
  }

  for (const lang of ['fr', 'en'] as const) {
    it(`passes axe in ${lang} during the call, before the window and during the window`, async () => {
      for (const slug of ['appel', 'bientot', 'collecte']) {
        const page = await open(`/programmes/${slug}?lang=${lang}`);
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        await expectAccessible(page);
        await page.context().close();
      }
    });
  }

  it('exposes each campaign bar as a named progressbar with its value', async () => {
    const page = await open('/programmes/collecte?lang=en');
    const bars = page.getByRole('progressbar');
    expect(await bars.count()).toBe(2);
    expect(await bars.first().getAttribute('aria-label')).toBe('Jardin partagé: 150% of the goal');
    expect(await bars.nth(1).evaluate((el) => (el as HTMLProgressElement).value)).toBe(28);
    expect(await page.locator('[aria-current="step"]').textContent()).toContain('Crowdfunding campaign');
    await page.context().close();
  });

  it('reads at 360 px without horizontal scrolling, bars and logos inside the screen', async () => {
    for (const slug of ['appel', 'bientot', 'collecte']) {
      const page = await open(`/programmes/${slug}?lang=fr`, { width: 360 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      for (const box of await Promise.all((await page.locator('progress, .partner-logo').all()).map((l) => l.boundingBox()))) {
        expect(box!.width).toBeGreaterThan(0);
        expect(box!.x + box!.width).toBeLessThanOrEqual(360);
      }
      await expectAccessible(page);
      await page.context().close();
    }
  });

  it('shows everything without JavaScript', async () => {
    const page = await open('/programmes/collecte?lang=fr', { javaScriptEnabled: false });
    const main = (await page.textContent('main'))!.replace(/[\u202f\u00a0]/g, ' ');
    expect(main).toContain('1 234 € collectés');
    expect(main).toContain('40 jours restants');
    expect(main).toContain('Parrainé par Fablab du Port');
    expect(await page.locator('script').count()).toBe(0);
    await page.context().close();
  });

  it('serves a sitemap that Chromium parses as XML', async () => {
    const page = await open('/programmes/collecte');
    const result = await page.evaluate(async (url) => {
      const xml = await (await fetch(url)).text();
      const doc = new DOMParser().parseFromString(xml, 'application/xml');
      return {
        error: doc.getElementsByTagName('parsererror').length,
        root: doc.documentElement.localName,
        locs: [...doc.getElementsByTagNameNS('http://www.sitemaps.org/schemas/sitemap/0.9', 'loc')].map((l) => l.textContent),
      };
    }, `${base}/t/${city.tenant.slug}/sitemap.xml`);
    expect(result.error).toBe(0);
    expect(result.root).toBe('urlset');
    expect(result.locs).toContain('http://soleil.test/programmes/collecte/campaigns/velo?lang=fr');
    expect(result.locs).toContain('http://soleil.test/programmes/appel/apply?lang=en');
    await page.context().close();
  });
});
