import { randomBytes, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { contributionBody, createCampaignProgramme, webhook } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { StripeStandIn } from '../setup/stripe-stand-in.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const STRIPE_KEY = `sk_test_${randomBytes(16).toString('hex')}`;
const ENDPOINT_SECRET = `whsec_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'A')}`;

/**
 * Hundreds of citizens at once on one campaign with a limited reward and a small match-funding budget,
 * then their payments confirmed (and replayed) at once: totals exact, stock and budget never below zero,
 * nothing doubled.
 */
describe('contributions under concurrency', () => {
  let t: TestApp;
  let city: TestTenant;
  let staff: TestPerson;
  let stripe: StripeStandIn;
  const N = 240;
  const STOCK = 25;
  const BUDGET = 20_000;

  beforeAll(async () => {
    stripe = await new StripeStandIn().start();
    t = await startTestApp({ config: { databasePoolSize: 20, stripeApiUrl: stripe.url } });
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t);
    staff = await createPerson(t, city, 'staff');
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  it('keeps totals, stock and budgets exact', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, {
      goalCents: 1_000_000,
      rewards: [{ title: 'Série limitée', minAmountCents: 2_000, quantity: STOCK }],
      settings: { paymentProvider: 'webhook', matchFactorPercent: 100, matchCapPerContributionCents: 700 },
    });
    const partner = await t.http().post(`/api/programmes/${w.programme.id}/partners`).set(staff.headers).send({ name: 'Mécène', capacity: 1 }).expect(201);
    await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partner.body.id, kind: 'ratio', totalCents: BUDGET })
      .expect(200);
    await w.open();
    const [c] = w.campaigns;
    const reward = c.rewards[0].id;

    // Every request is sent twice at once with the same key (a double click, a retry).
    const requests = Array.from({ length: N }, (_, i) => ({
      key: `conc-${randomUUID()}`,
      body: contributionBody({ amountCents: 2_000 + (i % 7) * 100, email: `p${i % 180}@example.org`, ...(i % 2 ? { rewardTierId: reward } : {}) }),
    }));
    const send = (r: (typeof requests)[number]) =>
      t.http().post(`/api/campaigns/${c.id}/contributions`).set({ Host: city.host, 'Idempotency-Key': r.key }).send(r.body);
    const responses = await Promise.all(requests.flatMap((r) => [send(r), send(r)]));
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    const byKey = new Map<string, Set<string>>();
    responses.forEach((res, i) => {
      if (res.status !== 201 && res.status !== 200) return;
      const k = requests[Math.floor(i / 2)].key;
      byKey.set(k, (byKey.get(k) ?? new Set()).add(res.body.id));
    });
    for (const ids of byKey.values()) expect(ids.size).toBe(1); // one contribution per key
    const soldOut = responses.filter((r) => r.status === 409).map((r) => r.body.code);
    expect(new Set(soldOut)).toEqual(new Set(['REWARD_SOLD_OUT']));

    const rows: Array<{ id: string; amount_cents: string; reward_tier_id: string | null; email_key: string; matched_cents: string }> = await t.ds.query(
      `SELECT id, amount_cents, reward_tier_id, email_key, matched_cents FROM contribution WHERE campaign_id = $1`,
      [c.id],
    );
    expect(rows).toHaveLength(byKey.size);
    expect(rows.filter((r) => r.reward_tier_id).length).toBe(STOCK);
    const [tier] = await t.ds.query(`SELECT remaining FROM reward_tier WHERE id = $1`, [reward]);
    expect(tier.remaining).toBe(0);
    const [budget] = await t.ds.query(`SELECT match_budget_remaining(id) AS remaining_cents FROM match_budget WHERE partner_id = $1`, [partner.body.id]);
    const reserved = rows.reduce((s, r) => s + Number(r.matched_cents), 0);
    expect(Number(budget.remaining_cents)).toBeGreaterThanOrEqual(0);
    expect(reserved + Number(budget.remaining_cents)).toBe(BUDGET);
    expect(reserved).toBe(BUDGET); // 240 × 7 EUR wanted, 200 EUR available: all of it, not a cent more

    // Payments: most succeed, one in ten fails; every event is delivered twice at once.
    const events = rows.map((r, i) => ({
      id: `pay-${r.id}`,
      type: i % 10 === 0 ? 'payment.failed' : 'payment.succeeded',
      data: { reference: r.id, amountCents: Number(r.amount_cents) },
    }));
    const hooks = await Promise.all(events.flatMap((e) => [webhook(t, city, e), webhook(t, city, e)]));
    expect(hooks.filter((h) => h.status !== 200)).toEqual([]);
    expect(hooks.filter((h) => h.body.duplicate === false)).toHaveLength(events.length);

    const confirmed = rows.filter((_, i) => i % 10 !== 0);
    const view = (await t.http().get(`/api/campaigns/${c.id}/public`).set('Host', city.host).expect(200)).body;
    expect(view.collectedCents).toBe(confirmed.reduce((s, r) => s + Number(r.amount_cents), 0));
    expect(view.contributions).toBe(confirmed.length);
    expect(view.contributors).toBe(new Set(confirmed.map((r) => r.email_key)).size);
    expect(view.matchedCents).toBe(confirmed.reduce((s, r) => s + Number(r.matched_cents), 0));
    // Failed payments gave back their reward and their match.
    const failedWithReward = rows.filter((r, i) => i % 10 === 0 && r.reward_tier_id).length;
    expect((await t.ds.query(`SELECT remaining FROM reward_tier WHERE id = $1`, [reward]))[0].remaining).toBe(failedWithReward);
    const [after] = await t.ds.query(`SELECT match_budget_remaining(id) AS remaining_cents FROM match_budget WHERE partner_id = $1`, [partner.body.id]);
    const failedMatch = rows.filter((_, i) => i % 10 === 0).reduce((s, r) => s + Number(r.matched_cents), 0);
    expect(Number(after.remaining_cents)).toBe(failedMatch);
    const [{ s }] = await t.ds.query(`SELECT coalesce(sum(amount_cents), 0)::int AS s FROM match_allocation WHERE campaign_id = $1 AND status = 'confirmed'`, [
      c.id,
    ]);
    expect(s).toBe(view.matchedCents);
  });

  it('takes one budget from many campaigns at once: exact, never negative, caps kept', async () => {
    const CAMPAIGNS = 10;
    const TOTAL = 25_000;
    const CAP = 3_000; // per campaign: 10 × 30 EUR wanted, 250 EUR in the budget
    const w = await createCampaignProgramme(t, city, staff, CAMPAIGNS, {
      goalCents: 1_000_000,
      settings: { paymentProvider: 'webhook', matchFactorPercent: 100, matchCapPerContributionCents: 400, matchCapPerCampaignCents: CAP },
    });
    const partner = await t
      .http()
      .post(`/api/programmes/${w.programme.id}/partners`)
      .set(staff.headers)
      .send({ name: 'Mécène commun', capacity: 1 })
      .expect(201);
    await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partner.body.id, kind: 'ratio', totalCents: TOTAL })
      .expect(200);
    await w.open();
    const balance = async () =>
      Number(
        (await t.ds.query(`SELECT match_budget_remaining(id) AS remaining_cents FROM match_budget WHERE partner_id = $1`, [partner.body.id]))[0]
          .remaining_cents,
      );
    // The balance read again and again while the contributions arrive: never below zero.
    const seen: number[] = [];
    let hammering = true;
    const sampler = (async () => {
      while (hammering) {
        seen.push(await balance());
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const requests = Array.from({ length: 220 }, (_, i) => ({
      campaign: w.campaigns[i % CAMPAIGNS].id,
      key: `many-${randomUUID()}`,
      body: contributionBody({ amountCents: 1_000 + (i % 9) * 100, email: `m${i % 150}@example.org` }),
    }));
    const responses = await Promise.all(
      requests.map((r) => t.http().post(`/api/campaigns/${r.campaign}/contributions`).set({ Host: city.host, 'Idempotency-Key': r.key }).send(r.body)),
    );
    hammering = false;
    await sampler;
    expect(responses.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    expect(seen.length).toBeGreaterThan(0);
    expect(Math.min(...seen)).toBeGreaterThanOrEqual(0);

    const ids = w.campaigns.map((c) => c.id);
    const rows: Array<{ id: string; campaign_id: string; matched_cents: string }> = await t.ds.query(
      `SELECT id, campaign_id, matched_cents FROM contribution WHERE campaign_id = ANY($1)`,
      [ids],
    );
    expect(rows).toHaveLength(requests.length);
    const matched = rows.reduce((s, r) => s + Number(r.matched_cents), 0);
    expect(await balance()).toBeGreaterThanOrEqual(0);
    expect(matched + (await balance())).toBe(TOTAL);
    // More was wanted than the budget held: all of it is reserved, not a cent more.
    expect(matched).toBe(TOTAL);
    // Each campaign's cap held, and each contribution's match is exactly its allocations.
    for (const id of ids) expect(rows.filter((r) => r.campaign_id === id).reduce((s, r) => s + Number(r.matched_cents), 0)).toBeLessThanOrEqual(CAP);
    const allocations: Array<{ contribution_id: string; s: number }> = await t.ds.query(
      `SELECT contribution_id, sum(amount_cents)::int AS s FROM match_allocation WHERE campaign_id = ANY($1) AND status = 'reserved' GROUP BY contribution_id`,
      [ids],
    );
    const byContribution = new Map(allocations.map((a) => [a.contribution_id, a.s]));
    for (const r of rows) expect(byContribution.get(r.id) ?? 0).toBe(Number(r.matched_cents));
  });

  it('does the same through Stripe: one Checkout Session per contribution, each webhook applied once, totals exact', async () => {
    await t.http().put('/api/payment-settings').set(staff.headers).send({ stripeSecretKey: STRIPE_KEY, stripeEndpointSecret: ENDPOINT_SECRET }).expect(200);
    const M = 160;
    const STRIPE_STOCK = 15;
    const w = await createCampaignProgramme(t, city, staff, 1, {
      goalCents: 1_000_000,
      rewards: [{ title: 'Série limitée', minAmountCents: 2_000, quantity: STRIPE_STOCK }],
      settings: { paymentProvider: 'stripe', matchFactorPercent: 100, matchCapPerContributionCents: 500 },
    });
    const partner = await t
      .http()
      .post(`/api/programmes/${w.programme.id}/partners`)
      .set(staff.headers)
      .send({ name: 'Mécène Stripe', capacity: 1 })
      .expect(201);
    await t
      .http()
      .put(`/api/programmes/${w.programme.id}/match-budgets`)
      .set(staff.headers)
      .send({ partnerId: partner.body.id, kind: 'ratio', totalCents: 30_000 })
      .expect(200);
    await w.open();
    const [c] = w.campaigns;
    const reward = c.rewards[0].id;
    const requests = Array.from({ length: M }, (_, i) => ({
      key: `stripe-${randomUUID()}`,
      body: contributionBody({ amountCents: 2_000 + (i % 5) * 100, email: `s${i % 120}@example.org`, ...(i % 3 === 0 ? { rewardTierId: reward } : {}) }),
    }));
    const send = (r: (typeof requests)[number]) =>
      t.http().post(`/api/campaigns/${c.id}/contributions`).set({ Host: city.host, 'Idempotency-Key': r.key }).send(r.body);
    const responses = await Promise.all(requests.flatMap((r) => [send(r), send(r)]));
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    const byKey = new Map<string, Set<string>>();
    const urlById = new Map<string, Set<string>>();
    responses.forEach((res, i) => {
      if (res.status !== 201 && res.status !== 200) return;
      const k = requests[Math.floor(i / 2)].key;
      byKey.set(k, (byKey.get(k) ?? new Set()).add(res.body.id));
      urlById.set(res.body.id, (urlById.get(res.body.id) ?? new Set()).add(res.body.payment.url));
    });
    for (const ids of byKey.values()) expect(ids.size).toBe(1);
    // Both answers of a double send lead to the same open session.
    for (const urls of urlById.values()) expect(urls.size).toBe(1);
    expect(new Set(responses.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual(new Set(['REWARD_SOLD_OUT']));

    const rows: Array<{ id: string; amount_cents: string; reward_tier_id: string | null; email_key: string; matched_cents: string; provider_ref: string }> =
      await t.ds.query(`SELECT id, amount_cents, reward_tier_id, email_key, matched_cents, provider_ref FROM contribution WHERE campaign_id = $1`, [c.id]);
    expect(rows).toHaveLength(byKey.size);
    expect(rows.filter((r) => r.reward_tier_id).length).toBe(STRIPE_STOCK);
    // Sessions: created once per contribution (a second call is Stripe's idempotent replay), recorded on it.
    const sessionsOf = new Map<string, string[]>();
    for (const sess of stripe.sessions.values()) {
      const ref = String(sess.client_reference_id);
      if (byKey.size && rows.some((r) => r.id === ref)) sessionsOf.set(ref, [...(sessionsOf.get(ref) ?? []), String(sess.id)]);
    }
    for (const r of rows) expect(sessionsOf.get(r.id)).toEqual([r.provider_ref]);
    for (const call of stripe.calls('POST /v1/checkout/sessions').filter((x) => rows.some((r) => r.id === x.form.client_reference_id))) {
      expect(call.headers['idempotency-key']).toBe(`tremplin-checkout-${call.form.client_reference_id}`);
    }

    // Stripe's events: paid for most, expired for one in ten; each delivered twice at once.
    const event = (type: string, object: Record<string, unknown>) =>
      JSON.stringify({
        id: `evt_${randomBytes(12).toString('hex')}`,
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: Math.floor(t.clock.now().getTime() / 1000),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
        data: { object },
      });
    const deliver = (payload: string) =>
      t
        .http()
        .post('/api/payments/stripe/webhook')
        .set({
          Host: city.host,
          'Content-Type': 'application/json',
          'Stripe-Signature': Stripe.webhooks.generateTestHeaderString({
            payload,
            secret: ENDPOINT_SECRET,
            timestamp: Math.floor(t.clock.now().getTime() / 1000),
          }),
        })
        .send(payload);
    const payloads = rows.map((r, i) =>
      i % 10 === 0
        ? event('checkout.session.expired', { ...stripe.sessions.get(r.provider_ref)!, status: 'expired' })
        : event('checkout.session.completed', stripe.pay(r.provider_ref)),
    );
    const hooks = await Promise.all(payloads.flatMap((p) => [deliver(p), deliver(p)]));
    expect(hooks.filter((h) => h.status !== 200)).toEqual([]);
    expect(hooks.filter((h) => h.body.duplicate === false)).toHaveLength(payloads.length);
    const [{ n: events }] = await t.ds.query(
      `SELECT count(*)::int AS n FROM payment_event WHERE tenant_id = $1 AND provider = 'stripe' AND contribution_id = ANY($2)`,
      [city.tenant.id, rows.map((r) => r.id)],
    );
    expect(events).toBe(payloads.length);

    const confirmed = rows.filter((_, i) => i % 10 !== 0);
    const view = (await t.http().get(`/api/campaigns/${c.id}/public`).set('Host', city.host).expect(200)).body;
    expect(view.collectedCents).toBe(confirmed.reduce((sum, r) => sum + Number(r.amount_cents), 0));
    expect(view.contributions).toBe(confirmed.length);
    expect(view.contributors).toBe(new Set(confirmed.map((r) => r.email_key)).size);
    expect(view.matchedCents).toBe(confirmed.reduce((sum, r) => sum + Number(r.matched_cents), 0));
    const failedWithReward = rows.filter((r, i) => i % 10 === 0 && r.reward_tier_id).length;
    expect((await t.ds.query(`SELECT remaining FROM reward_tier WHERE id = $1`, [reward]))[0].remaining).toBe(failedWithReward);
    const [after] = await t.ds.query(`SELECT match_budget_remaining(id) AS remaining_cents FROM match_budget WHERE partner_id = $1`, [partner.body.id]);
    const confirmedMatch = confirmed.reduce((sum, r) => sum + Number(r.matched_cents), 0);
    expect(Number(after.remaining_cents)).toBe(30_000 - confirmedMatch);
    const statuses: Array<{ status: string; n: number }> = await t.ds.query(
      `SELECT status, count(*)::int AS n FROM contribution WHERE campaign_id = $1 GROUP BY status ORDER BY status`,
      [c.id],
    );
    expect(statuses).toEqual([
      { status: 'confirmed', n: confirmed.length },
      { status: 'failed', n: rows.length - confirmed.length },
    ]);
  });
});
