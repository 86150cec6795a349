/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service.js';
import { SESSION_COOKIE } from '../../src/common/web/cookies.js';
import { seedDemoCampaigns } from '../../src/database/demo-campaign-seed.js';
import { seedDemoCoaching } from '../../src/database/demo-coaching-seed.js';
import { seedDemoJury } from '../../src/database/demo-jury-seed.js';
import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { DEMO_LANGUAGES, seedDemo } from '../../src/database/demo-seed.js';
import { expectAccessible, launchChromium, serve } from '../setup/browser.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * Issue 15: the main public pages (home, programme, campaign, results) and the portal pages (sign-in,
 * my space, the application form) of the demo pass axe at 360 px in every language the demo authority
 * offers, with `<html lang>` saying which, and the language switcher offering the others.
 */
describe('the demo in each of its languages, in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let tenantId: string;
  let languages: string[];
  let applicantSession: string;
  const paths: { programme: string; apply: string; campaign: string; results: string } = { programme: '', apply: '', campaign: '', results: '' };

  beforeAll(async () => {
    t = await startTestApp();
    const quiet = () => undefined;
    await seedDemo(t.app, 'http://localhost:3000', quiet);
    await seedDemoJury(t.app, quiet);
    await seedDemoCoaching(t.app, quiet);
    await seedDemoCampaigns(t.app, quiet);
    await seedDemoResults(t.app, quiet);
    base = await serve(t); // 127.0.0.1 is one of the demo's hosts
    const [tenant] = await t.ds.query(`SELECT id, languages FROM tenant WHERE slug = 'demo'`);
    tenantId = tenant.id;
    languages = tenant.languages;
    const [open] = await t.ds.query(`SELECT slug FROM programme WHERE tenant_id = $1 AND phase = 'call_open' ORDER BY slug LIMIT 1`, [tenantId]);
    const [campaign] = await t.ds.query(
      `SELECT p.slug AS programme, c.slug FROM campaign c JOIN programme p ON p.id = c.programme_id
        WHERE p.tenant_id = $1 AND p.slug = 'makers-collecte' ORDER BY c.slug LIMIT 1`,
      [tenantId],
    );
    paths.programme = `/programmes/${open?.slug ?? 'makers-2026'}`;
    paths.apply = `${paths.programme}/apply`;
    paths.campaign = `/programmes/${campaign.programme}/campaigns/${campaign.slug}`;
    paths.results = '/programmes/makers-results-demo/results';
    const [applicant] = await t.ds.query(
      `SELECT u.id FROM app_user u WHERE u.tenant_id = $1 AND u.email LIKE 'porteur%'
         AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = 'applicant') ORDER BY u.email LIMIT 1`,
      [tenantId],
    );
    applicantSession = await t.app.get(AuthService).createSession(tenantId, applicant.id);
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(path: string, signedIn = false): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    if (signedIn) await context.addCookies([{ name: SESSION_COOKIE, value: applicantSession, url: base }]);
    const page = await context.newPage();
    const res = await page.goto(`${base}${path}`);
    expect(res?.status()).toBe(200);
    return page;
  }

  async function check(page: Page, lang: string): Promise<void> {
    expect(await page.getAttribute('html', 'lang')).toBe(lang);
    const offered = await page.$$eval('a[hreflang]', (as) => as.map((a) => a.getAttribute('hreflang')));
    for (const other of languages.filter((l) => l !== lang)) expect(offered).toContain(other);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    await page.context().close();
  }

  it('offers the languages of the demo', () => {
    expect(languages).toEqual(DEMO_LANGUAGES);
  });

  // One test per language the demo offers (the seed's list; the test above checks the authority has it).
  for (const lang of DEMO_LANGUAGES) {
    it(`home, programme, campaign and results pages pass axe at 360 px in ${lang}`, async () => {
      for (const path of ['/', paths.programme, paths.campaign, paths.results]) await check(await open(`${path}?lang=${lang}`), lang);
    });

    it(`sign-in, my space and the application form pass axe at 360 px in ${lang}`, async () => {
      await check(await open(`/sign-in?lang=${lang}`), lang);
      await check(await open(`/me?lang=${lang}`, true), lang);
      await check(await open(`${paths.apply}?lang=${lang}`, true), lang);
    });
  }
});
