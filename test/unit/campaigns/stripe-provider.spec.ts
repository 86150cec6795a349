import Stripe from 'stripe';
import { paymentSettingsProblems } from '../../../src/campaigns/domain/payment-settings.js';
import { sessionExpiry, StripePaymentProvider, stripeSignal, verifyStripeEvent } from '../../../src/campaigns/payments/stripe.provider.js';

const SECRET = 'whsec_unitTestEndpointSecret0123456789';
const NOW = new Date('2026-09-01T08:00:00Z');
const event = (type: string, object: Record<string, unknown>) => ({ id: 'evt_1', object: 'event', type, data: { object } }) as unknown as Stripe.Event;
const CONTRIBUTION = '5d7a3a4e-2f0e-4a43-9d3b-6f1f0c1b2a3c';

describe('the Stripe provider, without the network', () => {
  it("verifies Stripe's signature with any of the endpoint secrets, at the application's clock", () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'checkout.session.completed', data: { object: {} } });
    const header = (secret = SECRET, at = NOW) => Stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp: Math.floor(at.getTime() / 1000) });
    const raw = Buffer.from(payload);
    expect(verifyStripeEvent([SECRET], raw, header(), NOW)).toMatchObject({ ok: true, event: { id: 'evt_1' } });
    expect(verifyStripeEvent(['whsec_newSecretDuringARotation01', SECRET], raw, header(), NOW)).toMatchObject({ ok: true });
    expect(verifyStripeEvent([SECRET], raw, undefined, NOW)).toEqual({ ok: false, reason: 'missing' });
    expect(verifyStripeEvent([SECRET], raw, 'nonsense', NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyStripeEvent([SECRET], raw, header('whsec_anotherSecretAltogether0123'), NOW)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyStripeEvent([SECRET], raw, header(SECRET, new Date(NOW.getTime() - 6 * 60_000)), NOW)).toEqual({ ok: false, reason: 'stale' });
    expect(verifyStripeEvent([SECRET], Buffer.from(payload.replace('evt_1', 'evt_2')), header(), NOW)).toEqual({ ok: false, reason: 'mismatch' });
  });

  it('reads each listened event as a payment signal about a contribution', () => {
    const session = { object: 'checkout.session', client_reference_id: CONTRIBUTION, payment_intent: 'pi_1', amount_total: 2_500, currency: 'eur' };
    expect(stripeSignal(event('checkout.session.completed', { ...session, payment_status: 'paid' }))).toEqual({
      kind: 'signal',
      signal: 'succeeded',
      reference: CONTRIBUTION,
      paymentIntent: 'pi_1',
      amountCents: 2_500,
    });
    expect(stripeSignal(event('checkout.session.completed', { ...session, payment_status: 'unpaid' }))).toEqual({
      kind: 'ignored',
      reason: 'payment_status:unpaid',
    });
    expect(stripeSignal(event('checkout.session.completed', { ...session, payment_status: 'paid', currency: 'usd' }))).toMatchObject({ amountCents: -1 });
    expect(stripeSignal(event('checkout.session.expired', session))).toMatchObject({ signal: 'failed', reference: CONTRIBUTION });
    // A declined card may be tried again in the same Checkout Session: only the session's expiry fails it.
    expect(stripeSignal(event('payment_intent.payment_failed', { id: 'pi_1', metadata: { contribution_id: CONTRIBUTION } }))).toEqual({
      kind: 'ignored',
      reason: 'retry_in_session',
    });
    // A refund Stripe took, then failed (after being pending): the refund is asked again, the contribution stays owed back.
    const refund = { object: 'refund', payment_intent: 'pi_1', metadata: { contribution_id: CONTRIBUTION } };
    for (const type of ['refund.failed', 'charge.refund.updated']) {
      expect(stripeSignal(event(type, { ...refund, status: 'failed', failure_reason: 'expired_or_canceled_card' }))).toEqual({
        kind: 'signal',
        signal: 'refund_failed',
        reference: CONTRIBUTION,
        paymentIntent: null,
        failureReason: 'expired_or_canceled_card',
      });
    }
    expect(stripeSignal(event('charge.refund.updated', { ...refund, status: 'succeeded' }))).toEqual({ kind: 'ignored', reason: 'refund_status:succeeded' });
    expect(stripeSignal(event('charge.refund.updated', { ...refund, status: 'pending' }))).toEqual({ kind: 'ignored', reason: 'refund_status:pending' });
    expect(stripeSignal(event('charge.refunded', { refunded: true, payment_intent: 'pi_1', metadata: { contribution_id: CONTRIBUTION } }))).toMatchObject({
      signal: 'refunded',
      reference: CONTRIBUTION,
    });
    expect(stripeSignal(event('charge.refunded', { refunded: false, metadata: { contribution_id: CONTRIBUTION } }))).toEqual({
      kind: 'ignored',
      reason: 'partial_refund',
    });
    expect(stripeSignal(event('charge.dispute.created', { payment_intent: 'pi_1', metadata: {} }))).toEqual({
      kind: 'signal',
      signal: 'refunded',
      reference: null,
      paymentIntent: 'pi_1',
    });
    // A dispute won puts the money back; a lost one changes nothing.
    for (const type of ['charge.dispute.funds_reinstated', 'charge.dispute.closed']) {
      expect(stripeSignal(event(type, { payment_intent: 'pi_1', status: 'won', metadata: {} }))).toEqual({
        kind: 'signal',
        signal: 'reinstated',
        reference: null,
        paymentIntent: 'pi_1',
      });
    }
    expect(stripeSignal(event('charge.dispute.closed', { payment_intent: 'pi_1', status: 'lost' }))).toEqual({
      kind: 'ignored',
      reason: 'dispute_status:lost',
    });
    expect(stripeSignal(event('invoice.paid', {}))).toEqual({ kind: 'ignored', reason: 'event_type' });
  });

  it('refuses to start without the authority key, and checks the shapes of the keys it is given', async () => {
    await expect(
      new StripePaymentProvider(null).start({ id: CONTRIBUTION, amountCents: 1_000, email: 'a@example.org' }, 'https://x.test/c'),
    ).rejects.toMatchObject({
      code: 'STRIPE_NOT_CONFIGURED',
    });
    expect(await new StripePaymentProvider(null).resume({ providerRef: 'cs_test_1' })).toEqual({ url: null, paid: false });
    expect(paymentSettingsProblems({ stripeSecretKey: 'sk_test_0123456789abcdefABCDEF', stripeEndpointSecret: 'whsec_0123456789abcdefABCDEF' })).toEqual([]);
    expect(paymentSettingsProblems({ stripeSecretKey: 'pk_live_0123456789abcdefABCDEF' }).map((p) => p.field)).toEqual(['stripeSecretKey']);
    expect(paymentSettingsProblems({ stripeEndpointSecret: 'sk_test_0123456789abcdefABCDEF' }).map((p) => p.field)).toEqual(['stripeEndpointSecret']);
  });

  it("closes Stripe's page when the contribution would expire, within what Stripe accepts", () => {
    const at = (ms: number) => new Date(NOW.getTime() + ms);
    const s = (d: Date) => Math.floor(d.getTime() / 1000);
    expect(sessionExpiry(NOW, at(2 * 3_600_000))).toBe(s(at(2 * 3_600_000)));
    expect(sessionExpiry(NOW, at(5 * 60_000))).toBe(s(at(31 * 60_000)));
    expect(sessionExpiry(NOW, at(72 * 3_600_000))).toBe(s(at(24 * 3_600_000 - 5 * 60_000)));
  });
});
