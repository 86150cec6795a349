/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service.js';
import { ReportsService } from '../../src/reports/reports.service.js';
import { createPerson, createTenant, type TestTenant } from '../factories/index.js';
import { createResultsProgramme, gift } from '../factories/reports.js';
import { expectAccessible, launchChromium, serve, signInWithPassword } from '../setup/browser.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** The results page and the staff report pages in headless Chromium: axe clean in both languages, readable at 360 px. */
describe('results report pages in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;
  let programmeId: string;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-25T08:00:00Z');
    base = await serve(t);
    city = await createTenant(t, { slug: 'lumiere-results' });
    const staff = await createPerson(t, city, 'staff', { email: 'agent@results.test' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const s = await createResultsProgramme(t, city, staff, {
      slug: 'makers',
      extraApplications: 2,
      campaigns: [
        {
          title: 'Atelier vélo solidaire, un titre assez long pour être coupé',
          goalCents: 100_000,
          status: 'funded',
          pageViews: 900,
          contributions: [gift(70_000, 'a@example.org', 0, { matchedCents: 2_500 }), gift(45_000, 'b@example.org', 3)],
        },
        {
          title: 'Ressourcerie <de quartier>',
          commune: 'Lille',
          category: 'reuse',
          goalCents: 200_000,
          status: 'not_funded',
          pageViews: 400,
          contributions: [gift(20_000, 'c@example.org', 2, { status: 'refunded' })],
        },
      ],
    });
    programmeId = s.programme.id;
    await t.app.get(ReportsService).publish(city.tenant, programmeId, staff.userId);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const lang of ['fr', 'en'] as const) {
    it(`shows the published results accessibly in ${lang}, charts with text equivalents`, async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(`${base}/t/lumiere-results/programmes/makers/results?lang=${lang}`);
      expect(await page.getAttribute('html', 'lang')).toBe(lang);
      expect(await page.locator('svg[role="img"]').count()).toBe(2);
      expect(await page.locator('svg[role="img"] title').first().textContent()).toBe(
        lang === 'fr' ? "Part de l'objectif atteinte, par campagne" : 'Share of the goal reached, per campaign',
      );
      expect(await page.textContent('main')).toContain('Ressourcerie <de quartier>');
      await page.click('details summary');
      await expectAccessible(page);
      await context.close();
    });
  }

  it('reads at 360 px without horizontal scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/t/lumiere-results/programmes/makers/results`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await context.close();
  });

  it('shows staff the report preview and the dashboard accessibly', async () => {
    const page = await signInWithPassword(browser, base, 'lumiere-results', 'agent@results.test', 'en');
    await page.goto(`${base}/t/lumiere-results/staff/programmes/${programmeId}/report`);
    await expectAccessible(page);
    await page.click('a:has-text("Publish a new version")');
    // The confirmation page says what becomes public; confirming publishes.
    await page.waitForURL(/report\/publish\/confirm/);
    await expectAccessible(page);
    expect(await page.textContent('main')).toContain('Version 2 will be public');
    await page.click('button:has-text("Publish a new version")');
    await page.waitForURL(/published=2/);
    expect(await page.textContent('main')).toContain('Version 2 is published.');
    await page.goto(`${base}/t/lumiere-results/staff/programmes/${programmeId}/dashboard?lang=fr`);
    await expectAccessible(page);
    await page.selectOption('#audit-action', 'report.published');
    await page.click('text=Filtrer');
    expect(await page.locator('.audit-entry .badge', { hasText: 'Rapport de résultats publié' }).count()).toBe(2);
    await page.context().close();
  });
});
