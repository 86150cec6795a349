/// <reference lib="dom" />
import { expectAccessible, launchChromium, serve, signInWithPassword } from '../setup/browser.js';
import type { Browser } from 'playwright-core';
import { AuthService } from '../../src/auth/auth.service.js';
import { createCall, createPerson, createProgramme, createTenant } from '../factories/index.js';
import type { TestPerson, TestTenant } from '../factories/index.js';
import { createEligibleApplications, inviteJuror, type EligibleApplication } from '../factories/jury.js';
import { startTestApp } from '../setup/test-app.js';
import type { TestApp } from '../setup/test-app.js';

/** A juror, in headless Chromium: declares a conflict, scores an application; every page passes axe. */
describe('jury pages in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;
  let staff: TestPerson;
  let programmeId: string;
  let apps: EligibleApplication[];

  beforeAll(async () => {
    t = await startTestApp();
    base = await serve(t);
    city = await createTenant(t, { slug: 'jurycity' });
    staff = await createPerson(t, city, 'staff', { email: 'agent@jurycity.test' });
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const p = await createProgramme(t, city, staff, { phase: 'jury', slug: 'makers' });
    programmeId = p.id;
    await createCall(t, city, staff, p.id);
    apps = await createEligibleApplications(t, city, p.id, 3, { prefix: 'br' });
    await t
      .http()
      .put(`/api/programmes/${p.id}/jury/settings`)
      .set(staff.headers)
      .send({
        method: 'scored_criteria',
        blindReview: true,
        laureates: 1,
        criteria: [
          { id: 'impact', label: { fr: 'Impact', en: 'Impact' }, weight: 2 },
          { id: 'feasibility', label: { fr: 'Faisabilité', en: 'Feasibility' } },
        ],
      })
      .expect(200);
    const juror = await inviteJuror(t, city, staff, p.id, { email: 'juror@jurycity.test', organisation: 'Fablab' });
    await t.app.get(AuthService).setPassword(city.tenant.id, juror.userId, 'a long enough password');
    await t.http().post(`/api/programmes/${p.id}/jury/vote/open`).set(staff.headers).expect(200);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const signedIn = (email: string, lang: 'fr' | 'en') => signInWithPassword(browser, base, 'jurycity', email, lang);

  it('lets a juror declare a conflict and score an application, accessibly, in both languages', async () => {
    const page = await signedIn('juror@jurycity.test', 'en');
    const portal = `${base}/t/jurycity/jury/programmes/${programmeId}`;
    await page.goto(`${portal}?lang=fr`);
    await expectAccessible(page);
    await page.goto(`${portal}?lang=en`);
    await expectAccessible(page);

    // Conflict: the confirmation box is required; the error is announced and linked to the field.
    await page.click(`text=${apps[0].title}`);
    expect(await page.textContent('body')).not.toContain(apps[0].email);
    await expectAccessible(page);
    await page.fill('#field-reason', 'My sister runs it');
    await page.click('text=Declare a conflict of interest');
    expect(await page.textContent('.error-summary')).toContain('Tick the box');
    expect(await page.getAttribute('#field-confirm', 'aria-invalid')).toBe('true');
    await expectAccessible(page);
    await page.check('#field-confirm');
    await page.click('text=Declare a conflict of interest');
    await page.waitForURL(/saved=conflict/);
    expect(await page.textContent('#conflicts-title')).toContain('Your declared conflicts of interest');
    expect(await page.locator(`a:has-text("${apps[0].title}")`).count()).toBe(0);

    // Scoring: a score out of the scale is refused next to its field, then corrected.
    await page.click(`text=${apps[1].title}`);
    await page.fill('#field-score_impact', '8');
    await page.fill('#field-score_feasibility', '3');
    await page.click('text=Save my ballot');
    expect(await page.textContent('.error-summary')).toContain('Impact: enter a score from 0 to 5');
    await expectAccessible(page);
    await page.fill('#field-score_impact', '4');
    await page.fill('#field-comment', 'Solid team');
    await page.click('text=Save my ballot');
    await page.waitForURL(/saved=ballot/);
    expect(await page.inputValue('#field-score_impact')).toBe('4');
    await page.fill('#field-note', 'Ask about the workshop');
    await page.click('text=Save the note');
    await page.waitForURL(/saved=note/);
    expect(await page.inputValue('#field-note')).toBe('Ask about the workshop');
    await page.goto(portal);
    expect(await page.textContent('#progress')).toContain('Evaluated: 1 of 2');
    await page.close();

    const ballots = await t.ds.query(`SELECT scores, comment FROM jury_ballot`);
    expect(ballots).toEqual([{ scores: { impact: 4, feasibility: 3 }, comment: 'Solid team' }]);
  });

  it('shows staff the jury page, accessibly', async () => {
    const page = await signedIn('agent@jurycity.test', 'fr');
    await page.goto(`${base}/t/jurycity/staff/programmes/${programmeId}/jury`);
    expect(await page.textContent('h1')).toBe('Jury');
    await expectAccessible(page);
    await page.close();
  });
});
