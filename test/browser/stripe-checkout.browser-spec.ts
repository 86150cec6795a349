/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createCampaignProgramme } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestTenant } from '../factories/index.js';
import { expectAccessible, launchChromium } from '../setup/browser.js';
import { StripeStandIn } from '../setup/stripe-stand-in.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const SECRET_KEY = `sk_test_${randomBytes(16).toString('hex')}`;
const ENDPOINT_SECRET = `whsec_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'A')}`;
const SHOTS = '/tmp/shots-stripe';

/** A free loopback port: the app's public address (Stripe's return URLs) must be known before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A citizen pays through Stripe in a browser: the campaign page's form, Stripe's checkout page (the
 * local stand-in's, which sends the signed webhook as Stripe does), back to the status page; and the
 * contributor who leaves the payment page without paying.
 */
describe('paying through Stripe Checkout in a browser', () => {
  let t: TestApp;
  let stripe: StripeStandIn;
  let browser: Browser;
  let base: string;
  let city: TestTenant;
  let path: string;
  let campaignId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stripe = await new StripeStandIn().start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await startTestApp({ config: { stripeApiUrl: stripe.url, publicUrl: base } });
    t.clock.set('2026-09-01T08:00:00Z');
    // Known by a loopback name only: its pages are at <base>/t/stripe-city, where Stripe sends the contributor back.
    city = await createTenant(t, { slug: 'stripe-city', hosts: ['localhost'] });
    const staff = await createPerson(t, city, 'staff');
    await t.http().put('/api/payment-settings').set(staff.headers).send({ stripeSecretKey: SECRET_KEY, stripeEndpointSecret: ENDPOINT_SECRET }).expect(200);
    const w = await createCampaignProgramme(t, city, staff, 1, { slug: 'velos', settings: { paymentProvider: 'stripe' } });
    await w.open();
    campaignId = w.campaigns[0].id;
    path = `/t/stripe-city/programmes/velos/campaigns/${w.campaigns[0].slug}`;
    await t.app.listen(port, '127.0.0.1');
    stripe.webhooks = { url: `${base}/api/payments/stripe/webhook`, host: 'localhost', secret: ENDPOINT_SECRET, now: () => t.clock.now() };
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await stripe?.stop();
  });

  async function noHorizontalScroll(page: Page) {
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  }

  /** Fills the campaign page's form and sends it: the browser lands on Stripe's (the stand-in's) page. */
  async function contribute(page: Page, lang: string, amount: string, email: string) {
    await page.goto(`${base}${path}?lang=${lang}`);
    await page.fill('#field-amount', amount);
    await page.fill('#field-email', email);
    await page.fill('#field-displayName', 'Camille');
    await page.click('#field-contribute button[type=submit]');
    await page.waitForURL(new RegExp(`^${stripe.url}/c/pay/cs_test_[0-9a-f]+$`));
  }

  const raised = async () => Number((await t.ds.query(`SELECT collected_cents FROM campaign WHERE id = $1`, [campaignId]))[0].collected_cents);

  it('pays on the checkout page and comes back to a confirmed contribution (360 px, fr)', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await contribute(page, 'fr', '25,00', 'camille@example.org');
    expect(await page.textContent('h1')).toContain('€25.00');
    const session = [...stripe.sessions.values()].find((s) => s.customer_email === 'camille@example.org')!;
    expect(session).toMatchObject({ amount_total: 2_500, currency: 'eur', locale: 'fr' });

    await page.click('#pay');
    await page.waitForURL(/\/t\/stripe-city\/contributions\/[0-9a-f-]{36}\?checkout=success$/);
    // The signed webhook arrived before the redirect: the page says it is confirmed.
    expect(stripe.deliveries.at(-1)).toMatchObject({ type: 'checkout.session.completed', status: 200 });
    expect(JSON.parse(stripe.deliveries.at(-1)!.body)).toMatchObject({ outcome: 'confirmed' });
    const main = await page.textContent('main');
    expect(main).toContain('Merci : votre contribution est confirmée.');
    expect(main).toMatch(/Montant\s*25\s€/);
    expect(main).not.toContain('Continuer vers le paiement');
    expect(await raised()).toBe(2_500);
    await expectAccessible(page);
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${SHOTS}/confirmed-360-fr.png`, fullPage: true });
    await context.close();
  });

  it('says "being confirmed" while the webhook is on its way, then confirmed on reload (1280 px, en)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    stripe.holdWebhooks = true;
    try {
      await contribute(page, 'en', '40', 'alex@example.org');
      await page.click('#pay');
      await page.waitForURL(/\/contributions\/[0-9a-f-]{36}\?checkout=success$/);
      const main = await page.textContent('main');
      expect(main).toContain('Thank you: your payment is being confirmed.');
      expect(main).toContain('Awaiting confirmation');
      expect(main).not.toContain('Continue to payment');
      expect(main).not.toContain('not available');
      await expectAccessible(page);
      await page.screenshot({ path: `${SHOTS}/being-confirmed-1280-en.png`, fullPage: true });
      // Without `?checkout=`: the same (the session is complete, Stripe's word is awaited).
      await page.click('text=Refresh the page');
      expect(await page.textContent('main')).toContain('Thank you: your payment is being confirmed.');
      await page.setViewportSize({ width: 360, height: 800 });
      await noHorizontalScroll(page);
      await page.screenshot({ path: `${SHOTS}/being-confirmed-360-en.png`, fullPage: true });
      const statusUrl = page.url();
      await page.goto(`${statusUrl}?lang=fr`);
      expect(await page.textContent('main')).toContain('Merci : votre paiement est en cours de confirmation.');
      await expectAccessible(page);
      await page.screenshot({ path: `${SHOTS}/being-confirmed-360-fr.png`, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${statusUrl}?lang=en`);
    } finally {
      stripe.holdWebhooks = false;
    }
    await stripe.deliverHeld();
    expect(stripe.deliveries.at(-1)).toMatchObject({ type: 'checkout.session.completed', status: 200 });
    await page.reload();
    expect(await page.textContent('main')).toContain('Thank you: your contribution is confirmed.');
    await expectAccessible(page);
    await page.screenshot({ path: `${SHOTS}/confirmed-1280-en.png`, fullPage: true });
    expect(await raised()).toBe(6_500);
    await context.close();
  });

  it('comes back without paying: nothing charged, the payment page still open from the status page (360 px, fr and en)', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 800 } });
    const page = await context.newPage();
    await contribute(page, 'fr', '12', 'sacha@example.org');
    const payUrl = page.url();
    await page.click('#back');
    await page.waitForURL(/\/contributions\/[0-9a-f-]{36}\?checkout=cancel$/);
    const main = await page.textContent('main');
    expect(main).toContain('Vous avez quitté la page de paiement sans payer');
    expect(main).toContain('En attente de confirmation');
    expect(await page.getAttribute('main a.button', 'href')).toBe(payUrl);
    await expectAccessible(page);
    await noHorizontalScroll(page);
    await page.screenshot({ path: `${SHOTS}/cancelled-360-fr.png`, fullPage: true });
    await page.goto(`${page.url()}&lang=en`);
    expect(await page.textContent('main')).toContain('You left the payment page without paying');
    await page.screenshot({ path: `${SHOTS}/cancelled-360-en.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: `${SHOTS}/cancelled-1280-en.png`, fullPage: true });
    // The button goes back to the same session, which can still be paid.
    await page.click('main a.button');
    await page.waitForURL(payUrl);
    await page.click('#pay');
    await page.waitForURL(/\?checkout=success$/);
    expect(await page.textContent('main')).toContain('Thank you: your contribution is confirmed.');
    expect(await raised()).toBe(7_700);
    expect(stripe.calls('POST /v1/checkout/sessions')).toHaveLength(3);
    await context.close();
  });
});
