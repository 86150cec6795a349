import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { verifySignature } from '../../src/campaigns/domain/webhook-signature.js';
import { campaignsTick, contributionBody, createCampaignProgramme, HOUR, webhook } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { sharedTranslations } from '../../src/common/web/i18n.js';
import { type Finding, ForeignTextIndex, formatFindings, scanPage } from '../setup/i18n-scan.js';
import { StripeStandIn } from '../setup/stripe-stand-in.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const SECRET_KEY = `sk_test_${randomBytes(16).toString('hex')}`;
const ENDPOINT_SECRET = `whsec_${randomBytes(18).toString('base64url').replace(/[-_]/g, 'A')}`;
const AUTHORITY_WEBHOOK_SECRET = `refund-secret-${randomBytes(16).toString('hex')}`;
const MIN = 60_000;
const key = () => `k-${randomUUID()}`;

/** The operator's refund endpoint, in the test process: answers what the test says, keeps every request. */
class RefundEndpoint {
  readonly requests: Array<{ headers: IncomingHttpHeaders; raw: string; body: Record<string, unknown> }> = [];
  answers: Array<{ status: number; body: string }> = [];
  private server?: Server;
  get url() {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/refunds`;
  }
  async start() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        this.requests.push({ headers: req.headers, raw, body: JSON.parse(raw) });
        const a = this.answers.shift() ?? { status: 202, body: '{"status":"pending"}' };
        res.writeHead(a.status, { 'Content-Type': 'application/json' }).end(a.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }
  stop() {
    return new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

describe('refunds through the payment provider port', () => {
  let t: TestApp;
  let stripe: StripeStandIn;
  let endpoint: RefundEndpoint;
  let city: TestTenant;
  let staff: TestPerson;

  beforeAll(async () => {
    stripe = await new StripeStandIn().start();
    endpoint = await new RefundEndpoint().start();
    t = await startTestApp({ config: { stripeApiUrl: stripe.url } });
    t.clock.set('2026-09-01T08:00:00Z');
    city = await createTenant(t, { languages: ['fr', 'en', 'nl'] });
    staff = await createPerson(t, city, 'staff');
    await t
      .http()
      .put('/api/payment-settings')
      .set(staff.headers)
      .send({ stripeSecretKey: SECRET_KEY, stripeEndpointSecret: ENDPOINT_SECRET, webhookSecret: AUTHORITY_WEBHOOK_SECRET })
      .expect(200);
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
    await endpoint.stop();
  });

  const contribute = (campaignId: string, body: Record<string, unknown>) =>
    t.http().post(`/api/campaigns/${campaignId}/contributions`).set({ Host: city.host, 'Idempotency-Key': key() }).send(body);
  const status = async (id: string) => (await t.http().get(`/api/contributions/${id}`).set('Host', city.host).expect(200)).body.status;
  const refundOf = async (contributionId: string) => (await t.ds.query(`SELECT * FROM refund WHERE contribution_id = $1`, [contributionId]))[0];
  const later = (ms: number) => t.clock.set(new Date(t.clock.now().getTime() + ms));

  /** A Stripe event, signed by the SDK's own helper at the application's clock. */
  const sendStripe = (type: string, object: Record<string, unknown>) => {
    const payload = JSON.stringify({
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: Stripe.API_VERSION,
      created: Math.floor(t.clock.now().getTime() / 1000),
      livemode: false,
      type,
      data: { object },
    });
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: ENDPOINT_SECRET, timestamp: Math.floor(t.clock.now().getTime() / 1000) });
    return t
      .http()
      .post('/api/payments/stripe/webhook')
      .set({ Host: city.host, 'Content-Type': 'application/json', 'Stripe-Signature': signature })
      .send(payload);
  };
  /** A contribution paid through Stripe: its id and its payment intent. */
  const paidWithStripe = async (campaignId: string, amountCents = 2_500) => {
    const made = await contribute(campaignId, contributionBody({ amountCents })).expect(201);
    const session = [...stripe.sessions.values()].find((s) => s.client_reference_id === made.body.id)!;
    await sendStripe('checkout.session.completed', stripe.pay(session.id as string)).expect(200);
    return { id: made.body.id as string, paymentIntent: stripe.paymentIntentOf(session.id as string) };
  };
  /** A contribution paid through the generic webhook provider. */
  const paidWithWebhook = async (campaignId: string, amountCents = 2_500) => {
    const made = await contribute(campaignId, contributionBody({ amountCents })).expect(201);
    const event = { id: `evt-${randomUUID()}`, type: 'payment.succeeded', data: { reference: made.body.id, amountCents } };
    await webhook(t, city, event, { secret: AUTHORITY_WEBHOOK_SECRET }).expect(200);
    return made.body.id as string;
  };

  it('asks Stripe again after its back-off when a refund fails twice, then confirms it once', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'stripe' } });
    await w.open();
    const paid = await paidWithStripe(w.campaigns[0].id, 3_000);
    stripe.failRefunds = 2;
    await w.close(); // the goal is missed: the refund is requested with the settlement and asked at once (attempt 1 fails)
    const askedFor = () => stripe.calls('POST /v1/refunds').filter((r) => r.form.payment_intent === paid.paymentIntent).length;
    expect(askedFor()).toBe(1);
    expect(await refundOf(paid.id)).toMatchObject({ state: 'failed', reason: 'provider_unavailable', detail: 'api_error', attempts: 1, cause: 'settlement' });
    expect(new Date((await refundOf(paid.id)).next_attempt_at).getTime()).toBe(t.clock.now().getTime() + MIN);
    // Before the back-off is over, nothing is asked.
    later(MIN - 1_000);
    await campaignsTick(t);
    expect(askedFor()).toBe(1);
    // The staff page says it in words.
    const page = await t.http().get(`/staff/programmes/${w.programme.id}/refunds?lang=en`).set(staff.headers).expect(200);
    expect(page.text).toContain('The payment provider did not answer; it will be asked again.');
    expect(page.text).not.toContain('provider_unavailable');
    // One cell: the attempts, the last reason, when it is asked again.
    expect(page.text).toMatch(
      /<td data-label="Attempts">1 attempt<br>The payment provider did not answer; it will be asked again.<br><span class="muted">next attempt: [^<]+<\/span><\/td>/,
    );

    later(1_000);
    await campaignsTick(t); // attempt 2 fails: 5 minutes now
    expect(askedFor()).toBe(2);
    expect(await refundOf(paid.id)).toMatchObject({ state: 'failed', attempts: 2 });
    later(5 * MIN - 1_000);
    await campaignsTick(t);
    expect(askedFor()).toBe(2);
    later(1_000);
    expect((await campaignsTick(t)).refunded).toBe(1); // attempt 3 goes through
    expect(await status(paid.id)).toBe('refunded');
    expect(await refundOf(paid.id)).toMatchObject({ state: 'confirmed', attempts: 3, reason: null });
    const calls = stripe.calls('POST /v1/refunds').filter((r) => r.form.payment_intent === paid.paymentIntent);
    expect(new Set(calls.map((c) => c.headers['idempotency-key']))).toEqual(new Set([`tremplin-refund-${paid.id}`]));
    expect([...stripe.refunds.values()].filter((r) => r.payment_intent === paid.paymentIntent)).toHaveLength(1);
    later(7 * HOUR);
    await campaignsTick(t);
    expect(askedFor()).toBe(3);
  });

  it('fails a pending refund that Stripe reports failed, and asks again in a new round', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'stripe' } });
    await w.open();
    const paid = await paidWithStripe(w.campaigns[0].id);
    stripe.refundStatus = 'pending';
    try {
      await w.close();
    } finally {
      stripe.refundStatus = 'succeeded';
    }
    expect(await status(paid.id)).toBe('refund_due');
    const asked = await refundOf(paid.id);
    expect(asked).toMatchObject({ state: 'requested', attempts: 1, next_attempt_at: null });
    expect(asked.asked_at).not.toBeNull();
    const [pending] = [...stripe.refunds.values()].filter((r) => r.payment_intent === paid.paymentIntent);
    const failed = stripe.failRefund(pending.id as string);
    expect((await sendStripe('refund.failed', failed).expect(200)).body.outcome).toBe('refund_failed');
    // Stripe sends both events for one failure: the second changes nothing.
    expect((await sendStripe('charge.refund.updated', failed).expect(200)).body.outcome).toBe('ignored:refund_not_awaited:refund_due');
    expect(await status(paid.id)).toBe('refund_due');
    expect(await refundOf(paid.id)).toMatchObject({ state: 'failed', reason: 'provider_failed', detail: 'expired_or_canceled_card', round: 1 });
    const page = await t.http().get(`/staff/programmes/${w.programme.id}/refunds?lang=en&state=failed`).set(staff.headers).expect(200);
    expect(page.text).toContain('The provider had taken the refund, then it failed');
    later(MIN);
    expect((await campaignsTick(t)).refunded).toBe(1);
    expect(await status(paid.id)).toBe('refunded');
    // A new idempotency key: the first one would answer Stripe's failed refund again.
    const keys = stripe
      .calls('POST /v1/refunds')
      .filter((r) => r.form.payment_intent === paid.paymentIntent)
      .map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual([`tremplin-refund-${paid.id}`, `tremplin-refund-${paid.id}-1`]);
  });

  it('lets staff refund a confirmed contribution (reason, audit, 409s), and record by hand a refund the provider cannot be asked', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'webhook' } });
    const other = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'webhook' } });
    await w.open();
    const campaign = w.campaigns[0].id;
    const id = await paidWithWebhook(campaign, 4_000);
    const pending = (await contribute(campaign, contributionBody()).expect(201)).body.id as string;
    const base = `/staff/programmes/${w.programme.id}`;
    const list = await t.http().get(`${base}/contributions?lang=en`).set(staff.headers).expect(200);
    expect(list.text).toContain(`href="/staff/programmes/${w.programme.id}/contributions/${id}/refund"`);
    expect(list.text).not.toContain(`/contributions/${pending}/refund"`);
    const form = await t.http().get(`${base}/contributions/${id}/refund?lang=en`).set(staff.headers).expect(200);
    expect(form.text).toContain('Refund this contribution?');
    const translations = sharedTranslations();
    const foreign = new ForeignTextIndex(translations, translations.locales);
    for (const lang of city.tenant.languages) {
      const res = await t.http().get(`${base}/contributions/${id}/refund?lang=${lang}`).set(staff.headers).expect(200);
      expect(formatFindings(scanPage(res.text, lang, `refund form (${lang})`, translations, foreign))).toBe(formatFindings([]));
    }
    const blank = await t.http().post(`${base}/contributions/${id}/refund?lang=en`).set(staff.headers).type('form').send({ reason: '  ' }).expect(400);
    expect(blank.text).toContain('href="#field-reason"');
    // Not confirmed, or of another programme: refused.
    await t.http().get(`${base}/contributions/${pending}/refund`).set(staff.headers).expect(409);
    await t.http().post(`${base}/contributions/${pending}/refund`).set(staff.headers).type('form').send({ reason: 'asked' }).expect(409);
    await t.http().get(`/staff/programmes/${other.programme.id}/contributions/${id}/refund`).set(staff.headers).expect(404);

    const done = await t
      .http()
      .post(`${base}/contributions/${id}/refund`)
      .set(staff.headers)
      .type('form')
      .send({ reason: 'The contributor asked by phone' })
      .expect(303);
    expect(done.headers.location).toBe(`${base}/refunds?saved=requested`);
    expect(await status(id)).toBe('refund_due');
    // During the window the money no longer counts.
    expect((await t.http().get(`/api/campaigns/${campaign}/public`).set('Host', city.host)).body).toMatchObject({ collectedCents: 0, contributions: 0 });
    expect(await refundOf(id)).toMatchObject({
      state: 'requested',
      cause: 'staff',
      note: 'The contributor asked by phone',
      requested_by_user_id: staff.userId,
    });
    const [audit] = await t.ds.query(`SELECT actor_user_id, data FROM audit_entry WHERE action = 'contribution.refund_requested' AND subject_id = $1`, [id]);
    expect(audit).toMatchObject({ actor_user_id: staff.userId, data: { reason: 'The contributor asked by phone', amountCents: 4_000 } });
    // A second refund of the same contribution is a conflict, and makes no second request.
    const again = await t.http().post(`${base}/contributions/${id}/refund?lang=en`).set(staff.headers).type('form').send({ reason: 'twice' }).expect(409);
    expect(again.text).toContain('This contribution cannot be refunded: it is “To be refunded”.');
    expect(await t.ds.query(`SELECT id FROM refund WHERE contribution_id = $1`, [id])).toHaveLength(1);

    // No refund URL: asked once, then left to staff, listed as such.
    await campaignsTick(t);
    expect(await refundOf(id)).toMatchObject({ state: 'requested', reason: 'manual_required', attempts: 1, next_attempt_at: null });
    const refundId = (await refundOf(id)).id as string;
    const page = await t.http().get(`${base}/refunds?lang=en`).set(staff.headers).expect(200);
    expect(page.text).toContain('To do by hand: no refund address is set for this provider.');
    expect(page.text).toContain(`href="${base}/refunds/${refundId}/mark-refunded"`);
    // Asked again (say, once a refund URL is set): still by hand without one.
    await t.http().post(`${base}/refunds/${refundId}/retry`).set(staff.headers).expect(303);
    await campaignsTick(t);
    expect(await refundOf(id)).toMatchObject({ state: 'requested', reason: 'manual_required', attempts: 2, next_attempt_at: null });
    const confirm = await t.http().get(`${base}/refunds/${refundId}/mark-refunded?lang=en`).set(staff.headers).expect(200);
    expect(confirm.text).toContain('Record this refund as made by hand?');
    expect(confirm.text).toContain('€40 given back to');
    await t.http().post(`${base}/refunds/${refundId}/mark-refunded`).set(staff.headers).expect(303);
    expect(await status(id)).toBe('refunded');
    expect(await refundOf(id)).toMatchObject({ state: 'confirmed', confirmed_by_user_id: staff.userId });
    const [marked] = await t.ds.query(`SELECT actor_user_id FROM audit_entry WHERE action = 'refund.marked_by_hand' AND subject_id = $1`, [id]);
    expect(marked.actor_user_id).toBe(staff.userId);
    await t.http().post(`${base}/refunds/${refundId}/mark-refunded`).set(staff.headers).expect(409);
    await t.http().post(`${base}/refunds/${refundId}/retry`).set(staff.headers).expect(409);
    await t.http().post(`/staff/programmes/${other.programme.id}/refunds/${refundId}/mark-refunded`).set(staff.headers).expect(404);
  });

  it("POSTs refunds to the authority's refund URL, signed like its webhooks; retries a failure; lists and exports every state", async () => {
    const bad = await t.http().put('/api/payment-settings').set(staff.headers).send({ refundUrl: 'ftp://refunds.example' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['refundUrl']);
    // The server POSTs there: https only (a loopback http endpoint in tests), no private or link-local address.
    for (const [url, words] of [
      ['http://refunds.example/refund', 'https://'],
      ['https://169.254.169.254/latest/meta-data', 'private'],
      ['https://10.0.0.7/refunds', 'private'],
    ]) {
      const refused = await t.http().put('/api/payment-settings').set(staff.headers).set('Accept-Language', 'en').send({ refundUrl: url }).expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'refundUrl', message: expect.stringContaining(words) })]);
    }
    const set = await t.http().put('/api/payment-settings').set(staff.headers).send({ refundUrl: endpoint.url }).expect(200);
    expect(set.body.refundUrl).toBe(endpoint.url);
    const settingsPage = await t.http().get('/staff/payment-settings?lang=en').set(staff.headers).expect(200);
    expect(settingsPage.text).toContain(`id="field-refundUrl" name="refundUrl" type="url" value="${endpoint.url}"`);
    try {
      const w = await createCampaignProgramme(t, city, staff, 1, { settings: { paymentProvider: 'webhook' } });
      await w.open();
      const campaign = w.campaigns[0].id;
      const [later1, atOnce, broken] = [await paidWithWebhook(campaign, 1_000), await paidWithWebhook(campaign, 2_000), await paidWithWebhook(campaign, 3_000)];
      endpoint.answers = [
        { status: 202, body: '{"status":"pending"}' },
        { status: 200, body: '{"status":"succeeded"}' },
        { status: 500, body: 'oops' },
      ];
      t.clock.set(w.closesAt);
      await t.tick(); // settles: three refunds requested
      // Asked in the order they became due; the settlement made them due together.
      await campaignsTick(t);
      expect(endpoint.requests).toHaveLength(3);
      for (const r of endpoint.requests) {
        expect(verifySignature(AUTHORITY_WEBHOOK_SECRET, Buffer.from(r.raw), r.headers['tremplin-signature'] as string, t.clock.now())).toEqual({ ok: true });
        expect(r.headers['idempotency-key']).toBe(`tremplin-refund-${(r.body.data as { reference: string }).reference}`);
        expect(r.body).toMatchObject({ type: 'refund.requested' });
      }
      const byRef = new Map(endpoint.requests.map((r) => [(r.body.data as { reference: string }).reference, r]));
      expect((byRef.get(broken)!.body.data as { amountCents: number }).amountCents).toBe(3_000);
      expect((byRef.get(later1)!.body.data as { amountCents: number }).amountCents).toBe(1_000);
      const states = new Map<string, string>();
      for (const id of [later1, atOnce, broken]) states.set(id, (await refundOf(id)).state);
      expect([...states.values()].sort()).toEqual(['confirmed', 'failed', 'requested']);
      // The answers went to whichever refund was asked first: check by what each got.
      const answered = endpoint.requests.map((r) => (r.body.data as { reference: string }).reference);
      expect(states.get(answered[0])).toBe('requested');
      expect(await status(answered[1])).toBe('refunded');
      expect(await refundOf(answered[2])).toMatchObject({ state: 'failed', reason: 'provider_unavailable', detail: 'http_500' });
      // The operator confirms the pending one by its webhook.
      await webhook(
        t,
        city,
        { id: `evt-${randomUUID()}`, type: 'refund.succeeded', data: { reference: answered[0] } },
        { secret: AUTHORITY_WEBHOOK_SECRET },
      ).expect(200);
      expect(await status(answered[0])).toBe('refunded');

      // Staff see the failed one and ask again at once.
      const base = `/staff/programmes/${w.programme.id}`;
      const page = await t.http().get(`${base}/refunds?lang=en`).set(staff.headers).expect(200);
      const amount = (id: string) => `€${(byRef.get(id)!.body.data as { amountCents: number }).amountCents / 100}`;
      expect(page.text).toContain(`Failed</span> 1 refund, ${amount(answered[2])}`);
      expect(page.text).toContain('Confirmed</span> 2 refunds,');
      expect(page.text).toContain('Requested</span> none,');
      const failedId = (await refundOf(answered[2])).id as string;
      expect(page.text).toContain(`action="${base}/refunds/${failedId}/retry"`);
      const csv = await t.http().get(`/api/programmes/${w.programme.id}/refunds.csv`).set(staff.headers).expect(200);
      expect(csv.headers['content-type']).toMatch(/text\/csv/);
      const lines = csv.text
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      expect(lines[0]).toBe(
        'refund,contribution_reference,campaign,state,cause,provider,amount_cents,amount_eur,email,display_name,receipt_number,attempts,reason,provider_detail,next_attempt_at,asked_at,confirmed_at,requested_at,note',
      );
      expect(lines).toHaveLength(4);
      const failedLine = lines.find((l) => l.startsWith(failedId))!;
      const cents = (byRef.get(answered[2])!.body.data as { amountCents: number }).amountCents;
      expect(failedLine).toContain(`,failed,settlement,webhook,${cents},${(cents / 100).toFixed(2)},`);
      expect(failedLine).toContain(',1,provider_unavailable,http_500,');
      const onlyFailed = await t.http().get(`/api/programmes/${w.programme.id}/refunds.csv?state=failed`).set(staff.headers).expect(200);
      expect(onlyFailed.text.trim().split(/\r?\n/)).toHaveLength(2);
      await t.http().get(`/api/programmes/${w.programme.id}/refunds.csv?state=lost`).set(staff.headers).expect(400);

      // Every language the authority offers reads well (no raw key, no id, numbers written its way).
      const translations = sharedTranslations();
      const foreign = new ForeignTextIndex(translations, translations.locales);
      const findings: Finding[] = [];
      expect(city.tenant.languages).toHaveLength(3);
      for (const lang of city.tenant.languages) {
        for (const path of [`${base}/refunds`, `${base}/refunds?state=failed`, `${base}/refunds/${failedId}/mark-refunded`, `${base}/contributions`]) {
          const res = await t
            .http()
            .get(`${path}${path.includes('?') ? '&' : '?'}lang=${lang}`)
            .set(staff.headers)
            .expect(200);
          findings.push(...scanPage(res.text, lang, `${path} (${lang})`, translations, foreign));
        }
      }
      expect(formatFindings(findings)).toBe(formatFindings([]));

      await t.http().post(`${base}/refunds/${failedId}/retry`).set(staff.headers).expect(303);
      endpoint.answers = [{ status: 200, body: '{"status":"succeeded"}' }];
      expect((await campaignsTick(t)).refunded).toBe(1);
      expect(await status(answered[2])).toBe('refunded');
    } finally {
      await t.http().put('/api/payment-settings').set(staff.headers).send({ refundUrl: null }).expect(200);
    }
  });

  it('refunds 200 contributions of a missed all-or-nothing goal exactly once each, with two instances running the refund job at once', async () => {
    const w = await createCampaignProgramme(t, city, staff, 1, { goalCents: 100_000_000, settings: { paymentProvider: 'stripe' } });
    await w.open();
    const campaign = w.campaigns[0].id;
    const paid: Array<{ id: string; paymentIntent: string }> = [];
    const queue = Array.from({ length: 200 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        while (queue.length) {
          queue.pop();
          paid.push(await paidWithStripe(campaign, 1_000));
        }
      }),
    );
    expect(paid).toHaveLength(200);
    t.clock.set(w.closesAt);
    await t.tick(); // settles: 200 refunds requested in the settlement's transaction
    const [{ n: unrequested }] = await t.ds.query(
      `SELECT count(*)::int AS n FROM contribution x LEFT JOIN refund r ON r.contribution_id = x.id WHERE x.campaign_id = $1 AND x.status = 'refund_due' AND r.id IS NULL`,
      [campaign],
    );
    expect(unrequested).toBe(0);
    const second = await startTestApp({ databaseUrl: t.databaseUrl, clock: t.clock, config: { stripeApiUrl: stripe.url } });
    try {
      let refunded = 0;
      for (let round = 0; round < 3; round++) {
        const [a, b] = await Promise.all([campaignsTick(t), campaignsTick(second)]);
        refunded += a.refunded + b.refunded;
      }
      expect(refunded).toBe(200);
    } finally {
      await second.close();
    }
    const perIntent = stripe.refundRequestsPerIntent();
    expect(paid.map((p) => perIntent.get(p.paymentIntent))).toEqual(paid.map(() => 1));
    const rows = await t.ds.query(
      `SELECT x.status, r.state, r.attempts FROM contribution x JOIN refund r ON r.contribution_id = x.id WHERE x.campaign_id = $1`,
      [campaign],
    );
    expect(rows).toHaveLength(200);
    expect(rows.every((r: { status: string; state: string; attempts: number }) => r.status === 'refunded' && r.state === 'confirmed' && r.attempts === 1)).toBe(
      true,
    );
  });
});
