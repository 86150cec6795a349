/// <reference lib="dom" />
import { expectAccessible, launchChromium, serve, signInWithPassword } from '../setup/browser.js';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service.js';
import { createAnnouncedProgramme, PDF_BYTES, TEST_PLAN, type TestLaureate } from '../factories/coaching.js';
import { createPerson, createTenant } from '../factories/index.js';
import type { TestTenant } from '../factories/index.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** A laureate, in headless Chromium: hands in a deliverable file; the schedule page passes axe in both languages. */
describe('coaching pages in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;
  let programmeId: string;
  let laureate: TestLaureate;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-06-30T08:00:00Z');
    base = await serve(t);
    city = await createTenant(t, { slug: 'coachcity' });
    const staff = await createPerson(t, city, 'staff', { email: 'agent@coachcity.test' });
    await createPerson(t, city, 'coach', { email: 'coach@coachcity.test' });
    const { programme, laureates } = await createAnnouncedProgramme(t, city, staff, 1, { prefix: 'brw' });
    programmeId = programme.id;
    laureate = laureates[0];
    await t.app.get(AuthService).setPassword(city.tenant.id, laureate.userId, 'a long enough password');
    await t.http().put(`/api/programmes/${programmeId}/coaching/plan`).set(staff.headers).send({ milestones: TEST_PLAN }).expect(200);
    await t.http().post(`/api/programmes/${programmeId}/transitions`).set(staff.headers).send({ to: 'coaching', reason: 'Summer coaching' }).expect(201);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedIn = (email: string, lang: 'fr' | 'en') => signInWithPassword(browser, base, 'coachcity', email, lang);

  it('lets a laureate hand in a deliverable file, accessibly, in both languages', async () => {
    const page = await signedIn(laureate.email, 'en');
    const schedule = `${base}/t/coachcity/coaching/programmes/${programmeId}`;
    await page.goto(`${schedule}?lang=fr`);
    await expectAccessible(page);
    await page.goto(`${schedule}?lang=en`);
    await expectAccessible(page);

    const budget = page.locator('li.panel', { has: page.locator('h2', { hasText: 'Budget' }) });
    const pdf = join(tmpdir(), `budget-${Date.now()}.pdf`);
    writeFileSync(pdf, PDF_BYTES);
    await budget.locator('input[type=file]').setInputFiles(pdf);
    await budget.locator('button[type=submit]').click();
    await page.waitForURL(/saved=submitted/);
    const after = page.locator('li.panel', { has: page.locator('h2', { hasText: 'Budget' }) });
    expect(await after.textContent()).toContain('handed in');
    expect(await after.locator('input[type=file]').count()).toBe(0);
    await expectAccessible(page);

    // Reminders off, and a calendar address, without JavaScript.
    await page.click('text=Turn reminders off');
    expect(await page.textContent('body')).toContain('Reminders are turned off.');
    await page.click('text=Get a new calendar address');
    expect(await page.inputValue('#feed-url')).toMatch(/\/coaching\/calendar\/[\w-]+\.ics$/);
    await expectAccessible(page);
  });
});
