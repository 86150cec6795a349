/// <reference lib="dom" />
import { expectAccessible, launchChromium, serve } from '../setup/browser.js';
import type { Browser } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service.js';
import { TransactionRunner } from '../../src/common/db/transaction.js';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestTenant } from '../factories/index.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** An applicant on a phone fills the call's form, makes a mistake, corrects it, submits and sees the receipt. */
describe('applying in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-04-15T10:00:00Z');
    base = await serve(t);
    city = await createTenant(t, { slug: 'makers-city' });
    const staff = await createPerson(t, city, 'staff');
    const p = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'makers' });
    await createCall(t, city, staff, p.id);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('goes from the programme page to a receipt, with a corrected mistake on the way', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/t/makers-city/programmes/makers?lang=en`);
    await page.click('text=Apply with your project');
    await expectAccessible(page);

    // Sign in with a one-time link, as the e-mail would bring it.
    const maker = await createPerson(t, city, null, { email: 'maker@example.org' });
    const link = await t.app
      .get(TransactionRunner)
      .run((em) => t.app.get(AuthService).createLink(em, city.tenant.id, maker.userId, `${base}/t/makers-city`, '/programmes/makers/apply'));
    await page.goto(link);
    await page.click('text=Sign me in');
    await page.waitForURL(/\/programmes\/makers\/apply$/);
    await page.click('text=Start my application');
    await page.waitForURL(/\/applications\/[0-9a-f-]{36}$/);
    await expectAccessible(page);

    await page.fill('#field-title', 'Repair café mobile');
    await page.fill('#field-summary', 'A van that brings a repair café to every neighbourhood of the territory.');
    await page.selectOption('#field-category', 'repair');
    await page.fill('#field-goalCents', '25000'); // above the 10,000 EUR maximum
    await page.fill('#field-commune', 'Roubaix');
    await page.fill('[name=q_team_size]', '4');
    await page.check('#q_has_prototype-yes');
    await page.check('#field-consent');
    await page.click('button[value=submit]');

    const summary = page.locator('.error-summary');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('between €1,000 and €10,000');
    expect(await page.getAttribute('#field-goalCents', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#field-title')).toBe('Repair café mobile'); // nothing typed is lost
    expect(await page.isChecked('#q_has_prototype-yes')).toBe(true);
    await expectAccessible(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.click('.error-summary a[href="#field-goalCents"]');
    await page.fill('#field-goalCents', '6000');
    await page.click('button[value=submit]');
    await page.waitForURL(/\/receipt$/);
    const text = await page.textContent('main');
    expect(text).toMatch(/Your receipt number is MAK26-\d{5}/);
    expect(text).toContain('Repair café mobile');
    await expectAccessible(page);
    await context.close();
  });
});
