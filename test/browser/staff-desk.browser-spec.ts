/// <reference lib="dom" />
import type { Browser, BrowserContext } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service.js';
import { SESSION_COOKIE } from '../../src/common/web/cookies.js';
import { seedDemoCampaigns } from '../../src/database/demo-campaign-seed.js';
import { seedDemoCoaching } from '../../src/database/demo-coaching-seed.js';
import { seedDemoJury } from '../../src/database/demo-jury-seed.js';
import { seedDemoResults } from '../../src/database/demo-results-seed.js';
import { seedDemo } from '../../src/database/demo-seed.js';
import { accessibilityViolations, launchChromium, serve } from '../setup/browser.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** The staff pages of one programme (issue 16: every desk page, measured). */
const PROGRAMME_PAGES = [
  '',
  '/call',
  '/applications',
  '/jury',
  '/coaching',
  '/matching',
  '/campaigns',
  '/contributions',
  '/refunds',
  '/call/rules',
  '/call/rules/new',
  '/dashboard',
  '/report',
];
const AUTHORITY_PAGES = [
  '/staff',
  '/staff/people',
  '/staff/audit',
  '/staff/branding',
  '/staff/payment-settings',
  // Issue 21: personal data (settings, a legal page's editor, the register, the requests' queue, retention).
  '/staff/privacy',
  '/staff/privacy/pages/privacy',
  '/staff/privacy/register',
  '/staff/privacy/requests',
  '/staff/privacy/retention',
];

/**
 * Issue 16, part 6: no desk page scrolls sideways at 360 px (wide tables become cards), and each one
 * passes axe at 360 px in French and at 1280 px in English, on the demo's real data (every programme seed).
 */
describe('every staff desk page at 360 and 1280 px', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let session: string;
  /** Every staff page of the demo (measured for width); axe runs on the authority's pages and two programmes' (the richest data). */
  let paths: string[];
  let checked: Set<string>;

  beforeAll(async () => {
    t = await startTestApp();
    const quiet = () => undefined;
    await seedDemo(t.app, 'http://localhost:3000', quiet);
    await seedDemoJury(t.app, quiet);
    await seedDemoCoaching(t.app, quiet);
    await seedDemoCampaigns(t.app, quiet);
    await seedDemoResults(t.app, quiet);
    const [tenant] = await t.ds.query(`SELECT id FROM tenant WHERE slug = 'demo'`);
    const [staff] = await t.ds.query(`SELECT id FROM app_user WHERE tenant_id = $1 AND email = 'staff@demo.tremplin.test'`, [tenant.id]);
    session = await t.app.get(AuthService).createSession(tenant.id, staff.id);
    const programmes: Array<{ id: string }> = await t.ds.query(`SELECT id FROM programme WHERE tenant_id = $1 ORDER BY slug`, [tenant.id]);
    const [application] = await t.ds.query(
      `SELECT a.id FROM application a JOIN programme p ON p.id = a.programme_id WHERE a.tenant_id = $1 AND p.slug = 'makers-jury-demo' AND a.status = 'submitted' ORDER BY a.receipt_number LIMIT 1`,
      [tenant.id],
    );
    const pagesOf = (id: string) => PROGRAMME_PAGES.map((x) => `/staff/programmes/${id}${x}`);
    paths = [...AUTHORITY_PAGES, `/staff/applications/${application.id}`, ...programmes.flatMap((p) => pagesOf(p.id))];
    const rich: Array<{ id: string }> = await t.ds.query(
      `SELECT id FROM programme WHERE tenant_id = $1 AND slug IN ('makers-jury-demo', 'makers-results-demo')`,
      [tenant.id],
    );
    // Issue 19's pages, with axe too: the rules of the open call, its application failing an advisory rule, a coaching session.
    const [open] = await t.ds.query(`SELECT id FROM programme WHERE tenant_id = $1 AND slug = 'makers-2026'`, [tenant.id]);
    const [coaching] = await t.ds.query(`SELECT id FROM programme WHERE tenant_id = $1 AND slug = 'makers-coaching-demo'`, [tenant.id]);
    const [advisory] = await t.ds.query(`SELECT id FROM application WHERE tenant_id = $1 AND programme_id = $2 AND title = 'Ressourcerie mobile'`, [
      tenant.id,
      open.id,
    ]);
    const issue19 = [
      `/staff/programmes/${open.id}/call/rules`,
      `/staff/programmes/${open.id}/call/rules/new`,
      `/staff/applications/${advisory.id}`,
      `/coaching/programmes/${coaching.id}/sessions/kickoff`,
    ];
    paths.push(...issue19.filter((x) => !paths.includes(x)));
    checked = new Set([...AUTHORITY_PAGES, `/staff/applications/${application.id}`, ...rich.flatMap((p) => pagesOf(p.id)), ...issue19]);
    base = await serve(t);
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signedIn(width: number): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    await context.addCookies([{ name: SESSION_COOKIE, value: session, url: base }]);
    return context;
  }

  for (const [width, lang] of [
    [360, 'fr'],
    [1280, 'en'],
  ] as const) {
    it(`has no horizontal scrolling and passes axe at ${width} px in ${lang}`, async () => {
      const context = await signedIn(width);
      const page = await context.newPage();
      const wide: Array<{ path: string; overflow: number }> = [];
      const violations: Array<{ path: string; found: string[] }> = [];
      for (const path of paths) {
        const res = await page.goto(`${base}/t/demo${path}?lang=${lang}`);
        expect({ path, status: res?.status() }).toEqual({ path, status: 200 });
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) wide.push({ path, overflow });
        if (!checked.has(path)) continue;
        const found = await accessibilityViolations(page);
        if (found.length) violations.push({ path, found });
      }
      expect({ wide, violations }).toEqual({ wide: [], violations: [] });
      await context.close();
    }, 240_000);
  }
});
