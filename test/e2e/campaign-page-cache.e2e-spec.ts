import { CAMPAIGN_PAGE_TTL_MS } from '../../src/campaigns/campaign-page.cache.js';
import { contributionBody, createCampaignProgramme, webhook } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * The campaign pages' cache: a change to one campaign shows on its pages at once on this instance and
 * leaves the other campaigns' cached pages alone; shared renderings still carry each visitor's own
 * CSRF token and a fresh idempotency key.
 */
describe('campaign page cache', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    t = await startTestApp();
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(() => t.close());

  it("forgets the campaign a contribution changes, at once, and keeps the others' pages", async () => {
    const w = await createCampaignProgramme(t, city, staff, 2, { settings: { paymentProvider: 'webhook' } });
    await w.open();
    const [a, b] = w.campaigns;
    const pathOf = (c: { slug: string }) => `/programmes/${w.programme.slug}/campaigns/${c.slug}`;
    const html = async (c: { slug: string }) => (await t.http().get(pathOf(c)).set({ Host: city.host, Accept: 'text/html' }).expect(200)).text;
    const json = async (c: { id: string }) => (await t.http().get(`/api/campaigns/${c.id}/public`).set('Host', city.host).expect(200)).body;

    // Both pages (HTML and JSON) cached; then both titles changed behind the app's back.
    expect(await html(a)).not.toContain('Titre changé A');
    await html(b);
    await json(a);
    const bTitle = (await json(b)).title.fr as string;
    for (const [c, title] of [
      [a, 'Titre changé A'],
      [b, 'Titre changé B'],
    ] as const) {
      await t.ds.query(`UPDATE campaign SET title = jsonb_build_object('fr', $2::text), updated_at = now() WHERE id = $1`, [c.id, title]);
    }
    expect(await html(a)).not.toContain('Titre changé A'); // still cached: the clock did not move

    // A contribution to A still to be paid changes nothing the page shows: A stays cached. Its payment
    // does: A's pages show it at once.
    const made = await t
      .http()
      .post(`/api/campaigns/${a.id}/contributions`)
      .set({ Host: city.host, 'Idempotency-Key': 'cache-test-0001' })
      .send(contributionBody({ amountCents: 4_200 }))
      .expect(201);
    expect(await html(a)).not.toContain('Titre changé A');
    await webhook(t, city, { id: 'cache-pay-1', type: 'payment.succeeded', data: { reference: made.body.id, amountCents: 4_200 } }).expect(200);
    expect(await html(a)).toContain('Titre changé A');
    expect((await json(a)).collectedCents).toBe(4_200);

    // B's pages were not forgotten: still what was cached before.
    expect(await html(b)).not.toContain('Titre changé B');
    expect((await json(b)).title.fr).toBe(bTitle);

    // Past the cache's life, B is read again in the background while the old page is served: it shows
    // what the database holds as soon as that read is in.
    t.clock.advance(CAMPAIGN_PAGE_TTL_MS + 1);
    await html(b);
    await json(b);
    const eventually = async (read: () => Promise<boolean>) => {
      for (let i = 0; i < 50 && !(await read()); i++) await new Promise((r) => setTimeout(r, 20));
      return read();
    };
    expect(await eventually(async () => (await html(b)).includes('Titre changé B'))).toBe(true);
    expect(await eventually(async () => (await json(b)).title.fr === 'Titre changé B')).toBe(true);
  });

  it("shows a limited reward's stock at once when a contribution still to be paid takes one", async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, {
      settings: { paymentProvider: 'webhook' },
      rewards: [{ title: 'Atelier', minAmountCents: 5_000, quantity: 3 }],
    });
    await w.open();
    const [c] = w.campaigns;
    const page = async () =>
      (await t.http().get(`/programmes/${w.programme.slug}/campaigns/${c.slug}`).set({ Host: city.host, Accept: 'text/html' }).expect(200)).text;
    const left = (html: string) => html.match(/(\d+) (?:restantes?|disponibles?|left)/)?.[1];
    expect(left(await page())).toBe('3');
    await t
      .http()
      .post(`/api/campaigns/${c.id}/contributions`)
      .set({ Host: city.host, 'Idempotency-Key': 'cache-test-reward-1' })
      .send(contributionBody({ amountCents: 5_000, rewardTierId: c.rewards[0].id }))
      .expect(201);
    expect(left(await page())).toBe('2');
  });

  it('gives each visitor of a shared rendering their own CSRF token and idempotency key, and the form works', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'webhook' } });
    await w.open();
    const path = `/programmes/${w.programme.slug}/campaigns/${w.campaigns[0].slug}`;
    const one = t.http();
    const two = t.http();
    const first = await openPage(one, city.host, path);
    const second = await openPage(two, city.host, path);
    const keyOf = (h: string) => h.match(/name="idempotencyKey" value="([^"]+)"/)![1];
    expect(first.csrf).not.toBe(second.csrf);
    expect(keyOf(first.html)).not.toBe(keyOf(second.html));
    expect(first.html).not.toMatch(/value="(csrf|key)-[0-9a-f-]{36}"/);
    // Each visitor's form is accepted with their own cookie, and refused with the other's token.
    const form = (page: { html: string; csrf: string }) => ({
      _csrf: page.csrf,
      idempotencyKey: keyOf(page.html),
      amount: '15',
      email: 'camille@example.org',
      displayName: 'Camille',
    });
    await one.post(`${path}/contribute`).set('Host', city.host).type('form').send(form(first)).expect(303);
    await two
      .post(`${path}/contribute`)
      .set('Host', city.host)
      .type('form')
      .send({ ...form(second), _csrf: first.csrf })
      .expect(403);
  });
});
