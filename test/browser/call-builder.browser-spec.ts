/// <reference lib="dom" />
import { expectAccessible, launchChromium, serve, signInWithPassword } from '../setup/browser.js';
import type { Browser, Page } from 'playwright-core';
import { COMPLETE_APPLICATION, createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestTenant } from '../factories/index.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** The call builder driven in Chromium without a line of script: 360 px wide, axe in French and English. */
describe('call builder in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;
  let programmeId: string;

  beforeAll(async () => {
    t = await startTestApp();
    base = await serve(t);
    city = await createTenant(t, { slug: 'batisseurs' });
    const staff = await createPerson(t, city, 'staff', { email: 'agent@batisseurs.test' });
    await t.app.get((await import('../../src/auth/auth.service.js')).AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const p = await createProgramme(t, city, staff, { phase: 'call_open', slug: 'makers' });
    programmeId = p.id;
    await createCall(t, city, staff, p.id);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const noOverflow = async (page: Page) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

  for (const lang of ['fr', 'en'] as const) {
    it(`adds, fills and moves a question at 360 px, accessibly, in ${lang}`, async () => {
      const page = await signInWithPassword(browser, base, 'batisseurs', 'agent@batisseurs.test', lang);
      await page.setViewportSize({ width: 360, height: 800 });
      const path = `${base}/t/batisseurs/staff/programmes/${programmeId}/call`;
      await page.goto(path);
      await expectAccessible(page);
      await noOverflow(page);
      if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/builder-360-${lang}.png`, fullPage: true });
      await page.selectOption('#field-newKind', 'single_choice');
      await page.click('button[value="add"]');
      await page.fill('#field-q\\.5\\.label', lang === 'fr' ? 'Lieu du projet' : 'Place of the project');
      await page.fill('#field-q\\.5\\.opt\\.0\\.label', lang === 'fr' ? 'Intérieur' : 'Indoors');
      await expectAccessible(page);
      await page.click('form.call-builder > p > button[value="save"]');
      await page.waitForURL(/saved=1/);
      expect(await page.textContent('[role=status]')).toContain(lang === 'fr' ? 'Questions enregistrées' : 'Questions saved');
      await page.click('button[value="up.5"]');
      await page.waitForURL(/#q-4$/);
      expect(await page.textContent('#q-4')).toContain(lang === 'fr' ? 'Choix unique' : 'Single choice');
      await expectAccessible(page);
      await noOverflow(page);
      // Back to the factory's form for the other language.
      await page.check('#q-4-remove');
      await page.click('form.call-builder > p > button[value="save"]');
      await page.waitForURL(/saved=1/);
      if (process.env.SCREENSHOTS) {
        await page.screenshot({ path: `${process.env.SCREENSHOTS}/builder-360-${lang}-saved.png`, fullPage: true });
        await page.setViewportSize({ width: 1280, height: 800 });
        await page.screenshot({ path: `${process.env.SCREENSHOTS}/builder-1280-${lang}.png`, fullPage: true });
      }
      await page.context().close();
    });
  }

  it('shows a refused change next to its question once an application is submitted, accessibly', async () => {
    const maker = await createPerson(t, city, null);
    const id = (await t.http().post(`/api/programmes/${programmeId}/applications`).set(maker.headers).send({}).expect(201)).body.id;
    await t.http().patch(`/api/applications/${id}`).set(maker.headers).send(COMPLETE_APPLICATION).expect(200);
    await t.http().post(`/api/applications/${id}/submit`).set(maker.headers).expect(200);
    const page = await signInWithPassword(browser, base, 'batisseurs', 'agent@batisseurs.test', 'fr');
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${base}/t/batisseurs/staff/programmes/${programmeId}/call`);
    expect(await page.getAttribute('#q-0-key', 'readonly')).toBe('');
    await page.check('#q-1-remove');
    await page.click('form.call-builder > p > button[value="save"]');
    expect(await page.textContent('#field-q-1 .error-message')).toContain('une question ne peut pas être retirée');
    await page.click('.error-summary a[href="#field-q-1"]');
    await expectAccessible(page);
    await noOverflow(page);
    if (process.env.SCREENSHOTS) await page.screenshot({ path: `${process.env.SCREENSHOTS}/builder-360-refused.png`, fullPage: true });
    await page.context().close();
  });
});
