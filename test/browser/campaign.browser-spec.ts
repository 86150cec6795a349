/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { createCampaignProgramme } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { AuthService } from '../../src/auth/auth.service.js';
import { expectAccessible, launchChromium, serve, signInWithPassword } from '../setup/browser.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/** A citizen on a phone contributes to a campaign: a mistake, the error summary, the fix, the status page. */
describe('contributing in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let city: TestTenant;
  let path: string;
  let w: Awaited<ReturnType<typeof createCampaignProgramme>>;
  let staff: TestPerson;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-01T08:00:00Z');
    base = await serve(t);
    city = await createTenant(t, { slug: 'port-city' });
    staff = await createPerson(t, city, 'staff', { email: 'agent@port-city.test' });
    w = await createCampaignProgramme(t, city, staff, 1, {
      slug: 'makers',
      rewards: [
        { title: 'Carte postale illustrée', description: 'Une carte dessinée par l’atelier.', minAmountCents: 1_000 },
        { title: 'Révision complète de votre vélo', minAmountCents: 5_000, quantity: 3, estimatedDelivery: '2026-12' },
      ],
    });
    // Staff add the FAQ (a laureate's change would send the approved page back to review).
    await t
      .http()
      .patch(`/api/campaigns/${w.campaigns[0].id}`)
      .set(staff.headers)
      .send({ faq: [{ question: { fr: 'Où est l’atelier ?' }, answer: { fr: 'Au port, quai 3.' } }] })
      .expect(200);
    await w.open();
    path = `/t/port-city/programmes/makers/campaigns/${w.campaigns[0].slug}`;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function noHorizontalScroll(page: Page) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }

  it('goes from the campaign page to the status page at 360 px, with a corrected mistake on the way', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    expect((await page.goto(`${base}${path}?lang=fr`))?.status()).toBe(200);
    await expectAccessible(page);
    await noHorizontalScroll(page);
    await page.goto(`${base}${path}?lang=en`);
    await expectAccessible(page);

    await page.click('text=Contribute >> nth=0');
    await page.fill('#field-amount', '5'); // below the chosen reward's minimum
    await page.check('label:has-text("Révision complète")');
    await page.fill('#field-email', 'camille@example');
    await page.fill('#field-displayName', 'Camille');
    await page.fill('#field-message', 'Bravo pour le projet !');
    await page.click('#field-contribute button[type=submit]');

    const summary = page.locator('.error-summary');
    await summary.waitFor();
    const text = await summary.textContent();
    expect(text).toContain('Enter an e-mail address');
    expect(await page.getAttribute('#field-email', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#field-displayName')).toBe('Camille'); // nothing typed is lost
    expect(await page.inputValue('#field-message')).toBe('Bravo pour le projet !');
    await expectAccessible(page);
    await noHorizontalScroll(page);

    await page.click('.error-summary a[href="#field-email"]');
    await page.fill('#field-email', 'camille@example.org');
    await page.click('#field-contribute button[type=submit]');
    await summary.waitFor();
    expect(await summary.textContent()).toContain('This reward asks for at least €50');
    await page.fill('#field-amount', '50,00');
    await page.click('#field-contribute button[type=submit]');

    await page.waitForURL(/\/contributions\/[0-9a-f-]{36}$/);
    const main = await page.textContent('main');
    expect(main).toContain('Check your e-mail to confirm your contribution');
    expect(main).toContain('€50');
    expect(main).toContain('Révision complète de votre vélo');
    await expectAccessible(page);
    await noHorizontalScroll(page);
    await context.close();
  });

  it('works without JavaScript', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
    const page = await context.newPage();
    expect((await page.goto(`${base}${path}?lang=fr`))?.status()).toBe(200);
    await page.fill('#field-amount', '12,50');
    await page.fill('#field-email', 'sans-js@example.org');
    await page.check('#field-anonymous');
    await page.click('#field-contribute button[type=submit]');
    await page.waitForURL(/\/contributions\/[0-9a-f-]{36}$/);
    expect(await page.textContent('main')).toContain('Consultez vos e-mails');
    expect(await page.locator('script').count()).toBe(0);
    await context.close();
  });

  it('keeps the countdown, the confirmation, the laureate editor and the staff page accessible', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    // Before a window: the countdown and the "notify me" form, with an error.
    const soon = await createCampaignProgramme(t, city, staff, 1, { slug: 'bientot' });
    const soonPath = `/t/port-city/programmes/bientot/campaigns/${soon.campaigns[0].slug}`;
    expect((await page.goto(`${base}${soonPath}?lang=fr`))?.status()).toBe(200);
    expect(await page.textContent('main')).toContain('La collecte ouvre');
    await page.fill('#field-notifyEmail', 'pas-une-adresse');
    await page.click('#notify-title ~ form button[type=submit]');
    await page.locator('.error-summary').waitFor();
    await expectAccessible(page);
    await noHorizontalScroll(page);
    // The page an e-mailed confirmation link opens (the token is checked only by the button).
    await page.goto(`${base}/t/port-city/contributions/confirm?token=made-up-token&lang=en`);
    await expectAccessible(page);
    await page.click('main button[type=submit]');
    expect(await page.textContent('main')).toContain('This confirmation link is not valid');
    await expectAccessible(page);
    await context.close();

    // The laureate's editor, with field errors, at 360 px; then staff's campaigns page.
    const laureate = w.laureates[0];
    await t.app.get(AuthService).setPassword(city.tenant.id, laureate.userId, 'a long enough password');
    await t.app.get(AuthService).setPassword(city.tenant.id, staff.userId, 'a long enough password');
    const mine = soon.laureates[0];
    await t.app.get(AuthService).setPassword(city.tenant.id, mine.userId, 'a long enough password');
    const editor = await signInWithPassword(browser, base, 'port-city', mine.email, 'en');
    await editor.setViewportSize({ width: 360, height: 800 });
    await editor.goto(`${base}/t/port-city/campaigns/${soon.campaigns[0].id}/edit?lang=en`);
    await editor.fill('#field-goalEuros', 'a lot');
    await editor.fill('[name="rewards.0.minAmount"]', '10');
    await editor.click('#edit-title ~ form button[type=submit]');
    await editor.locator('.error-summary').waitFor();
    expect(await editor.getAttribute('#field-goalEuros', 'aria-invalid')).toBe('true');
    await expectAccessible(editor);
    await noHorizontalScroll(editor);
    // Another laureate's campaign is not found.
    expect((await editor.goto(`${base}/t/port-city/campaigns/${w.campaigns[0].id}/edit?lang=fr`))?.status()).toBe(404);
    await editor.context().close();

    const live = await signInWithPassword(browser, base, 'port-city', laureate.email, 'fr');
    await live.goto(`${base}/t/port-city/campaigns/${w.campaigns[0].id}/edit?lang=fr`);
    expect(await live.textContent('main')).toContain('Publier une actualité');
    await expectAccessible(live);
    await live.context().close();

    const desk = await signInWithPassword(browser, base, 'port-city', staff.email, 'en');
    await desk.goto(`${base}/t/port-city/staff/programmes/${w.programme.id}/campaigns?lang=en`);
    expect(await desk.textContent('main')).toContain('Collection settings');
    await expectAccessible(desk);
    await desk.goto(`${base}/t/port-city/staff/programmes/${soon.programme.id}/campaigns?lang=fr`);
    await expectAccessible(desk);
    await desk.context().close();
  });
});
