/// <reference lib="dom" />
import { expectAccessible, launchChromium, serve, signInWithPassword } from '../setup/browser.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service.js';
import { createAnnouncedProgramme, type TestLaureate } from '../factories/coaching.js';
import { createCall, createPerson, createProgramme, createTenant, type TestPerson } from '../factories/index.js';
import type { TestTenant } from '../factories/index.js';
import { createEligibleApplications } from '../factories/jury.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** Screenshots for review when SCREENSHOTS_DIR is set (not part of what the test checks). */
async function shoot(page: Page, name: string) {
  const dir = process.env.SCREENSHOTS_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  // In parts too, so that a tall page can be looked at at its real size.
  const { width, height } = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  for (let y = 0, i = 1; y < height; y += 1100, i++)
    await page.screenshot({ path: join(dir, `${name}-part${i}.png`), fullPage: true, clip: { x: 0, y, width, height: Math.min(1100, height - y) } });
}

async function noHorizontalScroll(page: Page) {
  const { scroll, width, wide } = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: window.innerWidth,
    wide: [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className}`),
  }));
  expect({ scroll, wide }).toEqual({ scroll: Math.min(scroll, width), wide: [] });
}

/** Staff build a coaching plan and change the jury from the page in headless Chromium, at 360 and 1280 px, with axe. */
describe('plan editor and jury composition in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;
  let staff: TestPerson;
  let programmeId: string;
  let laureate: TestLaureate;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-06-30T08:00:00Z');
    base = await serve(t);
    city = await createTenant(t, { slug: 'plancity' });
    staff = await createPerson(t, city, 'staff', { email: 'agent@plancity.test' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const { programme, laureates } = await createAnnouncedProgramme(t, city, staff, 1, { prefix: 'pln' });
    programmeId = programme.id;
    laureate = laureates[0];
    await t.app.get(AuthService).setPassword(city.tenant.id, laureate.userId, 'a long enough password');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('creates a plan at 360 px, shows the preview, and the laureate gets the schedule after entering coaching', async () => {
    const page = await signInWithPassword(browser, base, 'plancity', staff.email, 'fr');
    await page.setViewportSize({ width: 360, height: 800 });
    const dashboard = `${base}/t/plancity/staff/programmes/${programmeId}/coaching`;
    await page.goto(`${dashboard}?lang=fr`);
    await expectAccessible(page);
    await shoot(page, 'plan-empty-360');

    await page.getByRole('button', { name: 'Ajouter une séance' }).click();
    await page.locator('[id="field-m.0.title"]').fill('Atelier de lancement');
    await page.locator('[id="field-m.0.title.en"]').fill('Kick-off workshop');
    await page.locator('[id="field-m.0.dateKind-absolute"]').check();
    await page.locator('[id="field-m.0.at"]').fill('2026-07-06T09:30');
    await page.getByRole('button', { name: 'Ajouter un livrable' }).click();
    await page.locator('[id="field-m.1.title"]').fill('Récit de campagne');
    await page.locator('[id="field-m.1.days"]').fill('14');
    await page.locator('[id="field-m.1.time"]').fill('18:00');
    await page.locator('[id="field-m.1.evidence"]').selectOption('url');
    await expectAccessible(page);
    await shoot(page, 'plan-draft-360');
    await noHorizontalScroll(page);
    // Saved without the session's address: refused next to it, the rest kept as typed.
    await page.getByRole('button', { name: 'Enregistrer le plan' }).click();
    expect(await page.textContent('[id="error-m.0.place"]')).toContain('Étape 1, Adresse');
    expect(await page.inputValue('[id="field-m.1.title"]')).toBe('Récit de campagne');
    await expectAccessible(page);
    await shoot(page, 'plan-refused-360');
    await noHorizontalScroll(page);
    await page.locator('[id="field-m.0.place"]').fill('Fablab, 12 rue du Port');
    await page.getByRole('button', { name: 'Enregistrer le plan' }).click();
    await page.waitForURL(/saved=plan/);
    expect(await page.textContent('[role=status]')).toContain('Le plan d');
    const preview = page.locator('section[aria-labelledby=preview-title]');
    expect(await preview.textContent()).toContain('Atelier de lancement');
    expect(await preview.textContent()).toContain('14 juillet 2026');
    await expectAccessible(page);
    await noHorizontalScroll(page);
    await shoot(page, 'plan-saved-360');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${dashboard}?lang=en`);
    await expectAccessible(page);
    await shoot(page, 'plan-saved-1280');

    await t.http().post(`/api/programmes/${programmeId}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Summer coaching' }).expect(201);
    const lau = await signInWithPassword(browser, base, 'plancity', laureate.email, 'en');
    await lau.setViewportSize({ width: 360, height: 800 });
    await lau.goto(`${base}/t/plancity/coaching/programmes/${programmeId}?lang=en`);
    const body = await lau.textContent('body');
    expect(body).toContain('Kick-off workshop');
    expect(body).toContain('Récit de campagne');
    await expectAccessible(lau);
    await shoot(lau, 'laureate-schedule-360');
  });

  it('edits and removes jury members at 360 px, with a confirmation that names the member', async () => {
    const programme = await createProgramme(t, city, staff, { phase: 'jury' });
    await createCall(t, city, staff, programme.id);
    await createEligibleApplications(t, city, programme.id, 2, { prefix: 'jbr' });
    for (const [email, displayName] of [
      ['claire@jury.example', 'Claire Martin'],
      ['paul@jury.example', 'Paul Durand'],
    ])
      await t.http().post(`/api/programmes/${programme.id}/jury/members`).set(staff.headers).send({ email, displayName, organisation: 'Fablab' }).expect(201);
    const page = await signInWithPassword(browser, base, 'plancity', staff.email, 'fr');
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${base}/t/plancity/staff/programmes/${programme.id}/jury?lang=fr`);
    await expectAccessible(page);
    await noHorizontalScroll(page);
    await shoot(page, 'jury-members-360');
    const claire = page.locator('li.panel', { has: page.locator('h3', { hasText: 'Claire Martin' }) });
    await claire.getByLabel('Poids').fill('2');
    await claire.getByRole('button', { name: /Enregistrer/ }).click();
    await page.waitForURL(/saved=memberUpdated/);
    expect(await page.textContent('[role=status]')).toContain('Le membre est enregistré.');
    const paul = page.locator('li.panel', { has: page.locator('h3', { hasText: 'Paul Durand' }) });
    await paul.getByRole('link', { name: /Retirer du jury/ }).click();
    expect(await page.textContent('#confirm-remove')).toContain('Retirer Paul Durand du jury ?');
    await expectAccessible(page);
    await shoot(page, 'jury-remove-confirm-360');
    await page.getByRole('button', { name: 'Oui, retirer Paul Durand' }).click();
    await page.waitForURL(/saved=memberRemoved/);
    expect(await page.locator('h3', { hasText: 'Paul Durand' }).count()).toBe(0);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${base}/t/plancity/staff/programmes/${programme.id}/jury?lang=en`);
    await expectAccessible(page);
    await shoot(page, 'jury-members-1280');
  });
});
