/// <reference lib="dom" />
import { AxeBuilder } from '@axe-core/playwright';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './test-app.js';

/** Debian's Chromium, headless; the network flags keep it from calling out of this closed machine. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Serves the test app on a loopback port and returns its base URL. */
export async function serve(t: TestApp): Promise<string> {
  await t.app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
}

/** WCAG 2.1 AA with axe-core: no violation, listed by rule and element when there is one. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await accessibilityViolations(page)).toEqual([]);
}

/**
 * The same check, as a list (to report every page of a crawl at once). A sandboxed frame (the e-mail
 * preview: no scripts allowed in it) cannot host axe, which would wait for it forever: it is left out,
 * the frame element itself (its title) is still checked by the page's own rules.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);
  if (await page.locator('iframe[sandbox]').count()) builder.exclude('iframe[sandbox]');
  const results = await builder.analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A new browser context signed in with a password at /t/<slug>/. */
export async function signInWithPassword(
  browser: Browser,
  base: string,
  slug: string,
  email: string,
  lang: string,
  password = 'a long enough password',
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${base}/t/${slug}/sign-in?lang=${lang}`);
  await page.fill('#pw-email', email);
  await page.fill('#field-password', password);
  await page.click('#password-title ~ form button[type=submit]');
  await page.waitForURL(new RegExp(`/t/${slug}/$`));
  return page;
}
