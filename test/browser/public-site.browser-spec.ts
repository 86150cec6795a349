/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { seedDemoCampaigns } from '../../src/database/demo-campaign-seed.js';
import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { accessibilityViolations, launchChromium, serve } from '../setup/browser.js';
import { readPdf, structNodes } from '../setup/pdf.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const CAMPAIGN = '/programmes/makers-collecte/campaigns/atelier-velo-solidaire';
const PAGES = [
  '/',
  '/programmes/makers-collecte',
  CAMPAIGN,
  '/programmes/makers-results-demo/results',
  '/programmes/makers-results-demo/campaigns/sacs-en-voiles-de-bateau',
  // Issue 21: the authority's legal pages and the form anyone uses to reach their data.
  '/privacy',
  '/legal-notice',
  '/accessibility',
  '/privacy/requests/new',
];

/**
 * Issue 17: the public site as a citizen meets it, on the demo (a live collection and a finished one):
 * home, programme, campaign and results pages pass axe and never scroll sideways at 360 and 1280 px in
 * French and English; a reward card opens the form with that reward and its minimum; the supporters'
 * wall and the share links are there; a campaign page (HTML + CSS) weighs under 60 KB.
 */
describe('the public site in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp();
    const quiet = () => undefined;
    await seedDemo(t.app, 'http://localhost:3000', quiet);
    await seedDemoCampaigns(t.app, quiet);
    await seedDemoResults(t.app, quiet);
    base = await serve(t);
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  for (const [width, lang] of [
    [360, 'fr'],
    [1280, 'fr'],
    [360, 'en'],
    [1280, 'en'],
  ] as const) {
    it(`passes axe with no sideways scrolling at ${width} px in ${lang}`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const found: Array<{ path: string; overflow: number; violations: string[] }> = [];
      for (const path of PAGES) {
        const res = await page.goto(`${base}/t/demo${path}?lang=${lang}`);
        expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
        expect(await page.getAttribute('html', 'lang')).toBe(lang);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        const violations = await accessibilityViolations(page);
        if (overflow > 0 || violations.length) found.push({ path, overflow, violations });
      }
      expect(found).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('opens the contribution form with the picked reward and its minimum, without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/t/demo${CAMPAIGN}?lang=fr`);
    // The cover is a real, loaded picture with its size and the laureate's description.
    const cover = page.locator('picture.campaign-cover img');
    expect(await cover.getAttribute('alt')).toBeTruthy();
    expect(Number(await cover.getAttribute('width'))).toBeGreaterThan(0);
    expect(await cover.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    const pick = page.locator('a.reward-pick').nth(1);
    const label = await pick.textContent();
    expect(label).toContain('Choisir la contrepartie');
    await pick.click();
    expect(page.url()).toMatch(/[?&]reward=[0-9a-f-]{36}/);
    const checked = page.locator('input[name=rewardTierId]:checked');
    const rewardId = new URL(page.url()).searchParams.get('reward');
    expect(await checked.getAttribute('value')).toBe(rewardId);
    const amount = await page.inputValue('#field-amount');
    expect(Number(amount.replace(',', '.'))).toBeGreaterThan(0);
    // The wall names supporters (or "Anonyme"), never an e-mail address.
    const wall = await page.textContent('.supporters-wall');
    expect(wall).toMatch(/\d+ contributions?/);
    expect(wall).not.toMatch(/@/);
    // Share links carry the canonical address, encoded, and load nothing from elsewhere.
    const hrefs = await page.locator('.share-links a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    expect(hrefs.length).toBeGreaterThanOrEqual(6);
    for (const href of hrefs.filter((h) => !h.startsWith('mailto:'))) expect(decodeURIComponent(href)).toContain('/campaigns/atelier-velo-solidaire');
    const external = await page.evaluate(() =>
      [...document.querySelectorAll('script[src], link[rel=stylesheet], img[src], source[srcset], iframe[src]')]
        .map((e) => e.getAttribute('src') ?? e.getAttribute('href') ?? e.getAttribute('srcset') ?? '')
        .filter((u) => /^https?:\/\//.test(u)),
    );
    expect(external.filter((u) => !u.startsWith('http://127.0.0.1'))).toEqual([]);
    await context.close();
  });

  it('shows each campaign of the programme as a card with its cover image', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${base}/t/demo/programmes/makers-collecte?lang=fr`);
    const cards = page.locator('.campaign-card');
    expect(await cards.count()).toBe(4);
    const images = await page
      .locator('.campaign-card img')
      .evaluateAll((imgs) => imgs.map((i) => ({ alt: i.getAttribute('alt'), lazy: i.getAttribute('loading') })));
    expect(images).toHaveLength(4);
    for (const img of images) expect(img.alt && img.lazy === 'lazy').toBeTruthy();
    await context.close();
  });

  it('keeps a campaign page (HTML and CSS, images excluded) under 60 KB', async () => {
    const html = await (await fetch(`${base}/t/demo${CAMPAIGN}?lang=fr`)).text();
    const css = (await Promise.all([...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map(async (m) => (await fetch(`${base}${m[1]}`)).text()))).join(
      '',
    );
    const kb = (Buffer.byteLength(html) + Buffer.byteLength(css)) / 1024;
    expect(kb).toBeLessThan(60);
  });

  // Issue 20: the demo's report for the council, read as an assistive technology reads a PDF.
  for (const lang of ['fr', 'nl'] as const) {
    it(`publishes the demo's results as a tagged PDF with embedded fonts in ${lang}, the same figures as the open data`, async () => {
      const fetchBytes = async (path: string) => Buffer.from(await (await fetch(`${base}/t/demo${path}`)).arrayBuffer());
      const json = JSON.parse((await fetchBytes('/programmes/makers-results-demo/results.json')).toString('utf8'));
      const read = await readPdf(await fetchBytes(`/programmes/makers-results-demo/results.pdf?lang=${lang}`));
      expect(read).toMatchObject({ marked: true, displayDocTitle: true, fontsEmbedded: true, language: lang === 'fr' ? 'fr-FR' : 'nl-NL' });
      // pdf.js gives the spaces of "56 035 €" (narrow and no-break in the font) as plain spaces.
      const plain = (x: string) => x.replace(/[\u202f\u00a0]/g, ' ');
      const text = plain(read.text.join('\n'));
      const intl = lang === 'fr' ? 'fr-FR' : 'nl-NL';
      const eur = (cents: number) =>
        plain(
          new Intl.NumberFormat(intl, { style: 'currency', currency: 'EUR', minimumFractionDigits: cents % 100 ? 2 : 0, maximumFractionDigits: 2 }).format(
            cents / 100,
          ),
        );
      for (const cents of [json.amounts.totalCents, json.amounts.citizensCents, json.refunds.citizensCents]) expect(text).toContain(eur(cents));
      const missed = json.campaignRows.find((r: { outcome: string }) => r.outcome === 'not_funded');
      expect(text).toContain(missed.title);
      expect(text).toContain(eur(missed.beforeRefunds.citizensCents));
      const nodes = structNodes(read.trees);
      const figures = nodes.filter((n) => n.role === 'Figure');
      // The authority's logo, the bars and the cumulative curve, each with its text.
      expect(figures.map((f) => plain(f.alt ?? ''))).toEqual([
        expect.stringContaining(json.tenant.name),
        expect.stringContaining(missed.title),
        expect.stringContaining(eur(json.amounts.citizensCents)),
      ]);
      expect(nodes.filter((n) => n.role === 'TH').length).toBeGreaterThan(json.campaignRows.length * 2);
      expect(text).toContain(lang === 'fr' ? `Page ${read.pages} sur ${read.pages}` : `Pagina ${read.pages} van ${read.pages}`);
    });
  }
});
