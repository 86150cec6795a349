import { AuthService } from '../../src/auth/auth.service.js';
import { PaymentSettingsService } from '../../src/campaigns/payment-settings.service.js';
import { contributionBody, createCampaignProgramme, DAY, HOUR, webhook, WEBHOOK_SECRET } from '../factories/campaigns.js';
import { createPerson, createTenant, type TestPerson, type TestTenant } from '../factories/index.js';
import { openPage } from '../setup/pages.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

const SECRET_A = 'Qx7mA-first-0123456789abcdefghij';
const SECRET_A2 = 'Zr4kA-second-9876543210zyxwvuts';
const SECRET_B = 'Jp9wB-first-abcdefghijklmnop0123';

/** Each authority's own webhook secret and checkout page: sealed at rest, never shown back, rotated without downtime. */
describe('payment settings per authority', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let staffA: TestPerson;
  let staffB: TestPerson;
  let ref = 0;
  const campaignOf = new Map<string, string>();

  beforeAll(async () => {
    t = await startTestApp({ config: { paymentCheckoutUrl: 'https://pay.installation.test/checkout' } });
    t.clock.set('2026-09-01T08:00:00Z');
    a = await createTenant(t);
    b = await createTenant(t);
    staffA = await createPerson(t, a, 'staff');
    staffB = await createPerson(t, b, 'staff');
    // One open campaign per authority (opening moves the clock: done once, before the clock matters).
    for (const [tt, staff] of [
      [a, staffA],
      [b, staffB],
    ] as const) {
      const w = await createCampaignProgramme(t, tt, staff, 1, { settings: { paymentProvider: 'webhook' }, days: 30 });
      await w.open();
      campaignOf.set(tt.tenant.id, w.campaigns[0].id);
    }
  });
  afterAll(() => t.close());

  /** A pending webhook contribution of the authority, and the event that would confirm it. */
  async function pendingPayment(tt: TestTenant) {
    const made = await t
      .http()
      .post(`/api/campaigns/${campaignOf.get(tt.tenant.id)}/contributions`)
      .set({ Host: tt.host, 'Idempotency-Key': `k-pay-${++ref}-${Date.now()}` })
      .send(contributionBody({ amountCents: 2_000 }))
      .expect(201);
    return { made, event: { id: `evt-pay-${++ref}`, type: 'payment.succeeded', data: { reference: made.body.id, amountCents: 2_000 } } };
  }

  it('is set by staff, answered only as "set on <date> by <name>", and sealed in the database', async () => {
    const before = await t.http().get('/api/payment-settings').set(staffA.headers).expect(200);
    expect(before.body).toMatchObject({
      provider: 'webhook',
      webhookSecret: { source: 'default', setAt: null },
      checkoutUrl: null,
      checkoutUrlSource: 'default',
    });

    const bad = await t
      .http()
      .put('/api/payment-settings')
      .set(staffA.headers)
      .send({ webhookSecret: 'too-short', checkoutUrl: 'ftp://pay.example.org' })
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['webhookSecret', 'checkoutUrl']);
    expect(JSON.stringify(bad.body)).not.toContain('too-short');

    const put = await t
      .http()
      .put('/api/payment-settings')
      .set(staffA.headers)
      .send({ webhookSecret: SECRET_A, checkoutUrl: 'https://pay.city-a.test/checkout' })
      .expect(200);
    const got = await t.http().get('/api/payment-settings').set(staffA.headers).expect(200);
    for (const res of [put, got]) {
      expect(res.body.webhookSecret).toEqual({
        source: 'authority',
        setAt: t.clock.now().toISOString(),
        setBy: { userId: staffA.userId, name: staffA.email.split('@')[0], role: 'staff' },
        previousValidUntil: null,
      });
      expect(JSON.stringify(res.body)).not.toContain(SECRET_A.slice(0, 8));
    }
    expect(got.body).toMatchObject({ checkoutUrl: 'https://pay.city-a.test/checkout', checkoutUrlSource: 'authority' });

    const rows: Array<Record<string, unknown>> = await t.ds.query(`SELECT * FROM payment_secret WHERE tenant_id = $1`, [a.tenant.id]);
    expect(rows).toHaveLength(1);
    const dump =
      JSON.stringify(rows) + rows.map((r) => Buffer.concat([r.ciphertext as Buffer, r.iv as Buffer, r.auth_tag as Buffer]).toString('latin1')).join('');
    expect(dump).not.toContain(SECRET_A);
    expect(dump).not.toContain(SECRET_A.slice(0, 12));
    expect(rows[0]).toMatchObject({ key_id: expect.stringMatching(/^v1\./), valid_until: null, set_by_role: 'staff' });
    expect((rows[0].iv as Buffer).length).toBe(12);

    // The audit says which fields changed, never their values.
    const audit: Array<{ action: string; data: Record<string, unknown> }> = await t.ds.query(
      `SELECT action, data FROM audit_entry WHERE tenant_id = $1 AND action LIKE 'payment_settings.%'`,
      [a.tenant.id],
    );
    expect(audit).toEqual([
      { action: 'payment_settings.updated', data: { provider: 'webhook', fields: ['webhookSecret', 'checkoutUrl'], actorRole: 'staff' } },
    ]);
    expect(JSON.stringify(await t.ds.query(`SELECT * FROM audit_entry`))).not.toContain(SECRET_A.slice(0, 8));

    // B's settings are untouched.
    expect((await t.http().get('/api/payment-settings').set(staffB.headers).expect(200)).body.webhookSecret.source).toBe('default');
  });

  it("verifies each authority's webhooks with its own secret, refuses the global default once it has one, and another authority's", async () => {
    const pa = await pendingPayment(a);
    // A's own checkout page is where its contributors are sent.
    expect(pa.made.body.payment.url).toMatch(/^https:\/\/pay\.city-a\.test\/checkout\?reference=/);

    const withDefault = await webhook(t, a, pa.event, { secret: WEBHOOK_SECRET }).expect(400);
    expect(withDefault.body.code).toBe('WEBHOOK_SIGNATURE_INVALID');
    // B has no secret of its own (default) - then its own: A's secret is refused on B's webhook, and B's on A's.
    const pb = await pendingPayment(b);
    expect(pb.made.body.payment.url).toMatch(/^https:\/\/pay\.installation\.test\/checkout\?/);
    await webhook(t, b, pb.event, { secret: SECRET_A }).expect(400);
    await t.http().put('/api/payment-settings').set(staffB.headers).send({ webhookSecret: SECRET_B }).expect(200);
    await webhook(t, b, pb.event, { secret: SECRET_A }).expect(400);
    await webhook(t, a, pa.event, { secret: SECRET_B }).expect(400);

    expect((await webhook(t, a, pa.event, { secret: SECRET_A }).expect(200)).body).toEqual({ outcome: 'confirmed', duplicate: false });
    expect((await webhook(t, b, pb.event, { secret: SECRET_B }).expect(200)).body).toEqual({ outcome: 'confirmed', duplicate: false });
  });

  it('rotates without downtime: old and new both accepted during the grace period, only the new one after', async () => {
    const settings = t.app.get(PaymentSettingsService);
    await t.http().put('/api/payment-settings').set(staffA.headers).send({ webhookSecret: SECRET_A2 }).expect(200);
    const view = (await t.http().get('/api/payment-settings').set(staffA.headers).expect(200)).body;
    expect(view.webhookSecret.previousValidUntil).toBe(new Date(t.clock.now().getTime() + DAY).toISOString());
    // Setting the same secret again is no rotation.
    await t.http().put('/api/payment-settings').set(staffA.headers).send({ webhookSecret: SECRET_A2 }).expect(200);
    expect((await t.http().get('/api/payment-settings').set(staffA.headers)).body.webhookSecret.previousValidUntil).toBe(view.webhookSecret.previousValidUntil);

    const one = await pendingPayment(a);
    const two = await pendingPayment(a);
    t.clock.advance(23 * HOUR);
    expect((await webhook(t, a, one.event, { secret: SECRET_A }).expect(200)).body.outcome).toBe('confirmed');
    t.clock.advance(2 * HOUR);
    await webhook(t, a, two.event, { secret: SECRET_A }).expect(400);
    expect((await webhook(t, a, two.event, { secret: SECRET_A2 }).expect(200)).body.outcome).toBe('confirmed');
    expect((await t.http().get('/api/payment-settings').set(staffA.headers)).body.webhookSecret.previousValidUntil).toBeNull();

    // The platform back office sets secrets through the service; staff end the rotation early.
    const admin = await settings.setPaymentSecrets(a.tenant.id, { webhookSecret: SECRET_A }, { userId: null, role: 'platform_admin' });
    expect(admin.webhookSecret).toMatchObject({ source: 'authority', setBy: { role: 'platform_admin' }, previousValidUntil: expect.any(Date) });
    const three = await pendingPayment(a);
    await webhook(t, a, three.event, { secret: SECRET_A2 }).expect(200);
    await t.http().post('/api/payment-settings/end-rotation').set(staffA.headers).expect(200);
    const four = await pendingPayment(a);
    await webhook(t, a, four.event, { secret: SECRET_A2 }).expect(400);
    await webhook(t, a, four.event, { secret: SECRET_A }).expect(200);
    const rows: Array<{ n: number }> = await t.ds.query(`SELECT count(*)::int AS n FROM payment_secret WHERE tenant_id = $1`, [a.tenant.id]);
    expect(rows[0].n).toBe(1); // previous secrets are deleted, not only refused
  });

  it('is refused to people who are not staff', async () => {
    const citizen = await createPerson(t, a, null);
    const juror = await createPerson(t, a, 'juror');
    for (const person of [citizen, juror]) {
      await t.http().get('/api/payment-settings').set(person.headers).expect(403);
      await t.http().put('/api/payment-settings').set(person.headers).send({ webhookSecret: SECRET_B }).expect(403);
      await t.http().post('/api/payment-settings/end-rotation').set(person.headers).expect(403);
    }
    // Staff of B cannot reach A's settings with their token on A's host.
    await t
      .http()
      .get('/api/payment-settings')
      .set({ ...staffB.headers, Host: a.host })
      .expect(401);
    await t.http().get('/api/payment-settings').set('Host', a.host).expect(401);
  });

  it('has a no-JS staff page: errors next to fields, PRG with a message, secrets never written back, a confirmation before ending a rotation', async () => {
    const staff = await createPerson(t, b, 'staff', { email: 'payments@city-b.test', locale: 'en' });
    await t.app.get(AuthService).setPassword(b.tenant.id, staff.userId, 'a long enough password');
    const browser = t.http();
    const signIn = await openPage(browser, b.host, '/sign-in');
    await browser
      .post('/sign-in/password')
      .set('Host', b.host)
      .type('form')
      .send({ _csrf: signIn.csrf, email: 'payments@city-b.test', password: 'a long enough password' })
      .expect(303);

    const desk = await openPage(browser, b.host, '/staff');
    expect(desk.html).toContain('href="/staff/payment-settings"');
    const form = await openPage(browser, b.host, '/staff/payment-settings?lang=fr');
    expect(form.status).toBe(200);
    expect(form.html).toContain('Réglages de paiement');
    expect(form.html).toMatch(/Défini le .+\./);
    expect(form.html).toMatch(/<input id="field-webhookSecret" name="webhookSecret" type="password" value=""[^>]*autocomplete="off"/);
    expect(form.html).not.toContain(SECRET_B);

    const typed = 'typed-but-refused-secret-000000000000';
    const bad = await browser
      .post('/staff/payment-settings')
      .set('Host', b.host)
      .type('form')
      .send({ _csrf: form.csrf, webhookSecret: typed, checkoutUrl: 'not a url' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('class="error-summary"');
    expect(bad.text).toContain('href="#field-checkoutUrl"');
    expect(bad.text).toMatch(/id="field-checkoutUrl"[^>]*aria-invalid="true"/);
    expect(bad.text).toContain('value="not a url"');
    expect(bad.text).not.toContain(typed);

    // Empty secret keeps the current one; the checkout URL changes.
    const kept = await browser
      .post('/staff/payment-settings')
      .set('Host', b.host)
      .type('form')
      .send({ _csrf: form.csrf, webhookSecret: '', checkoutUrl: 'https://pay.city-b.test/' });
    expect(kept.status).toBe(303);
    expect(kept.headers.location).toBe('/staff/payment-settings?saved=settings');
    const after = await openPage(browser, b.host, kept.headers.location);
    expect(after.html).toContain('Les réglages de paiement ont été enregistrés.');
    expect((await t.http().get('/api/payment-settings').set(staffB.headers)).body.webhookSecret.previousValidUntil).toBeNull();

    const rotated = await browser
      .post('/staff/payment-settings')
      .set('Host', b.host)
      .type('form')
      .send({ _csrf: form.csrf, webhookSecret: 'Jp9wB-rotated-00000000000000000', checkoutUrl: 'https://pay.city-b.test/' });
    expect(rotated.status).toBe(303);
    const page = await openPage(browser, b.host, '/staff/payment-settings?lang=en');
    expect(page.html).toMatch(/Set on .+ by payments\./);
    expect(page.html).toContain('Rotation in progress');
    expect(page.html).toContain('href="/staff/payment-settings/end-rotation"');
    const confirm = await openPage(browser, b.host, '/staff/payment-settings/end-rotation');
    expect(confirm.html).toContain('End the rotation now?');
    expect((await t.http().get('/api/payment-settings').set(staffB.headers)).body.webhookSecret.previousValidUntil).not.toBeNull();
    const ended = await browser.post('/staff/payment-settings/end-rotation').set('Host', b.host).type('form').send({ _csrf: confirm.csrf });
    expect(ended.status).toBe(303);
    expect((await openPage(browser, b.host, ended.headers.location)).html).toContain('The rotation has ended');
    expect((await t.http().get('/api/payment-settings').set(staffB.headers)).body.webhookSecret.previousValidUntil).toBeNull();
    // Without a rotation, the confirmation page sends back to the settings.
    expect((await browser.get('/staff/payment-settings/end-rotation').set('Host', b.host)).status).toBe(303);
  });
});
