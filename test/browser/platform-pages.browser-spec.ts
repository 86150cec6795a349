/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PlatformService } from '../../src/platform/platform.service.js';
import type { PlatformAdmin } from '../../src/platform/platform-admin.entity.js';
import { expectAccessible, launchChromium, serve } from '../setup/browser.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** The platform back-office in headless Chromium: axe (WCAG 2.1 AA) at 360 and 1280 px, and no sideways scrolling. */
describe('platform pages in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let admin: BrowserContext;
  const shots = process.env.PLATFORM_SCREENSHOTS; // a directory to keep screenshots in, when set

  beforeAll(async () => {
    t = await startTestApp();
    base = await serve(t);
    const platform = t.app.get(PlatformService);
    const { admin: who, link } = await platform.createAdmin('root@installation.test');
    for (const [slug, name, hosts] of [
      ['lumiere', 'Métropole de Lumière', ['financement.lumiere.test', 'projets.lumiere-metropole.test']],
      ['bourg', 'Bourg-sur-Mer', []],
    ] as const) {
      await platform.createAuthority(
        { slug, name, hosts: [...hosts], staffEmail: `agent@${slug}.test`, language: 'fr', timeZone: 'Europe/Paris' },
        who as PlatformAdmin,
      );
    }
    const bourg = (await platform.listAuthorities()).find((a) => a.slug === 'bourg')!;
    await platform.setSuspended(bourg.id, true, who as PlatformAdmin);
    browser = await launchChromium();
    admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await admin.newPage();
    await page.goto(`${base}${new URL(link).pathname}`);
    await page.click('main button[type=submit]');
    await page.waitForURL(/\/platform$/);
    await page.close();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(context: BrowserContext, path: string, width: number): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize({ width, height: 800 });
    await page.goto(`${base}${path}`);
    return page;
  }

  for (const width of [360, 1280]) {
    it(`sign-in, list, form and suspension pages pass axe and fit at ${width} px`, async () => {
      const anon = await browser.newContext();
      const pages: Array<[string, BrowserContext, string]> = [
        ['sign-in', anon, '/platform/sign-in'],
        ['list', admin, '/platform'],
        ['list-fr', admin, '/platform?lang=fr'],
        ['new', admin, '/platform/authorities/new?lang=en'],
      ];
      const lumiere = (await t.app.get(PlatformService).listAuthorities()).find((a) => a.slug === 'lumiere')!;
      pages.push(['edit', admin, `/platform/authorities/${lumiere.id}`], ['suspend', admin, `/platform/authorities/${lumiere.id}/suspend`]);
      for (const [name, context, path] of pages) {
        const page = await open(context, path, width);
        await expectAccessible(page);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        expect({ name, overflow }).toEqual({ name, overflow: 0 });
        if (shots) await page.screenshot({ path: `${shots}/platform-${name}-${width}.png`, fullPage: true });
        await page.close();
      }
      await anon.close();
    });
  }
});
