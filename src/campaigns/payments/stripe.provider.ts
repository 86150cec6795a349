import Stripe from 'stripe';
import { DomainError } from '../../common/errors/domain-error.js';
import type { PaymentSignal } from '../domain/states.js';
import type { PaymentProvider, PaymentStart, RefundAsk, RefundResult, StartDetails } from './payment-provider.js';

/**
 * Stripe, with the authority's own account (its secret key and webhook endpoint secret are sealed in
 * its payment settings): `start` creates a Checkout Session and sends the contributor to Stripe's page;
 * Stripe's webhooks (StripeWebhookController) confirm, fail or refund the contribution through the same
 * state machine as the generic webhook provider. A refund due is asked of the Refunds API (idempotent
 * per contribution) and ends at once, or when `charge.refunded` confirms it.
 */
export class StripePaymentProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly remote = true;
  /** A pending Stripe contribution lives as long as its Checkout Session may (24 hours less a margin), never longer. */
  readonly maxPendingMs = STRIPE_SESSION_MAX_MS;

  /** `stripe` null: the authority has not set its Stripe secret key. */
  constructor(private readonly stripe: Stripe | null) {}

  assertReady(): void {
    this.client();
  }

  private client(): Stripe {
    if (!this.stripe) throw new DomainError('STRIPE_NOT_CONFIGURED');
    return this.stripe;
  }

  async start(c: { id: string; amountCents: number; email: string }, returnUrl: string, details?: StartDetails): Promise<PaymentStart> {
    const session = await callStripe(() =>
      this.client().checkout.sessions.create(
        {
          mode: 'payment',
          line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: c.amountCents, product_data: { name: details?.label || c.id } } }],
          client_reference_id: c.id,
          metadata: { contribution_id: c.id },
          // Charges and disputes carry the payment intent's metadata: their webhooks find the contribution.
          payment_intent_data: { metadata: { contribution_id: c.id } },
          customer_email: c.email,
          ...(details?.locale && STRIPE_LOCALES.has(details.locale) ? { locale: details.locale as Stripe.Checkout.SessionCreateParams.Locale } : {}),
          // The page closes when the contribution would expire (within Stripe's 30 minutes to 24 hours), so
          // that nobody pays for a contribution that no longer holds its reward and match-funding.
          ...(details?.now && details.expiresAt ? { expires_at: sessionExpiry(details.now, details.expiresAt) } : {}),
          success_url: withParam(returnUrl, 'checkout', 'success'),
          cancel_url: withParam(returnUrl, 'checkout', 'cancel'),
        },
        // A retry (ours, the SDK's, or the contributor's replay) gets the same session, never a second one.
        { idempotencyKey: checkoutIdempotencyKey(c.id) },
      ),
    );
    return { kind: 'redirect', url: session.url, providerRef: session.id };
  }

  /** Where a pending contributor pays: the session's page while it is open, else nowhere (also when Stripe does not answer: the status page still shows). */
  async resume(c: { providerRef: string | null }): Promise<{ url: string | null; paid: boolean }> {
    if (!c.providerRef || !this.stripe) return { url: null, paid: false };
    try {
      const session = await callStripe(() => this.client().checkout.sessions.retrieve(c.providerRef!));
      // Complete: paid (or a bank transfer under way), the webhook confirms it in a moment.
      return { url: session.status === 'open' ? session.url : null, paid: session.status === 'complete' };
    } catch (err) {
      if (err instanceof DomainError) return { url: null, paid: false };
      throw err;
    }
  }

  /** The contribution a payment intent was created for (disputes name only the charge's payment intent). */
  async contributionOfPaymentIntent(paymentIntentId: string): Promise<string | null> {
    if (!this.stripe) return null;
    const pi = await callStripe(() => this.client().paymentIntents.retrieve(paymentIntentId));
    return pi.metadata?.contribution_id ?? null;
  }

  /**
   * Refunds the whole payment of the contribution's session through the Refunds API. The idempotency key
   * is the contribution's (and the round's, after Stripe reported a refund failed): a retry (after a
   * timeout, or on another instance) never refunds twice. Done at once when Stripe says so; otherwise
   * `charge.refunded` confirms it later (or `refund.failed` says it failed).
   */
  async refund(c: { id: string; providerRef: string | null }, ask: RefundAsk): Promise<RefundResult> {
    if (!c.providerRef) throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'stripe', type: 'no_session', code: '', requestId: '' });
    const session = await callStripe(() => this.client().checkout.sessions.retrieve(c.providerRef!));
    const paymentIntent = typeof session.payment_intent === 'string' ? session.payment_intent : session.payment_intent?.id;
    if (!paymentIntent) throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'stripe', type: 'not_paid', code: '', requestId: '' });
    try {
      const refund = await callStripe(() =>
        this.client().refunds.create(
          { payment_intent: paymentIntent, metadata: { contribution_id: c.id, refund_id: ask.refundId } },
          { idempotencyKey: refundIdempotencyKey(c.id, ask.round) },
        ),
      );
      return refund.status === 'succeeded' ? 'refunded' : 'requested';
    } catch (err) {
      // Refunded already (by staff in Stripe's dashboard, or an earlier round after all): the money is back.
      if (err instanceof DomainError && err.details.code === 'charge_already_refunded') return 'refunded';
      throw err;
    }
  }
}

export const refundIdempotencyKey = (contributionId: string, round = 0) => `tremplin-refund-${contributionId}${round ? `-${round}` : ''}`;

/** Stripe Checkout's page languages among those an authority may offer (others: Stripe chooses). */
const STRIPE_LOCALES = new Set(['fr', 'en', 'nl', 'de', 'es', 'it']);

export const checkoutIdempotencyKey = (contributionId: string) => `tremplin-checkout-${contributionId}`;

/** The longest a Checkout Session may stay open (Stripe: 24 hours), less a margin for clocks and the call itself. */
export const STRIPE_SESSION_MAX_MS = 24 * 3_600_000 - 5 * 60_000;

/** Unix seconds, clamped to what Stripe accepts for a Checkout Session (a margin on each side). */
export function sessionExpiry(now: Date, expiresAt: Date): number {
  const min = now.getTime() + 31 * 60_000;
  const max = now.getTime() + STRIPE_SESSION_MAX_MS;
  return Math.floor(Math.min(max, Math.max(min, expiresAt.getTime())) / 1000);
}

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

/** A client for one authority's key; `apiUrl` points it elsewhere (a local stand-in in tests). */
export function stripeClient(secretKey: string, apiUrl?: string): Stripe {
  const target = apiUrl ? new URL(apiUrl) : null;
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(target
      ? {
          host: target.hostname,
          port: Number(target.port || (target.protocol === 'http:' ? 80 : 443)),
          protocol: target.protocol === 'http:' ? ('http' as const) : ('https' as const),
        }
      : {}),
  });
}

/** Stripe's failures become one domain error; what is kept of them (type, code, request id) holds no secret. */
async function callStripe<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Stripe.errors.StripeError) {
      throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', {
        provider: 'stripe',
        // Stripe's own error type (api_error, invalid_request_error…), not the SDK's class name.
        type: err.rawType ?? err.type,
        code: err.code ?? '',
        requestId: err.requestId ?? '',
      });
    }
    throw err;
  }
}

// ---- webhooks --------------------------------------------------------------------------------------

export type StripeCheck = { ok: true; event: Stripe.Event } | { ok: false; reason: 'missing' | 'malformed' | 'stale' | 'mismatch' };

/**
 * Checks the `Stripe-Signature` of the raw body with each endpoint secret (two during a rotation), at
 * the application's clock, with the SDK's own `constructEvent` (5 minutes of tolerance).
 */
export function verifyStripeEvent(secrets: readonly string[], rawBody: Buffer, header: string | undefined, now: Date): StripeCheck {
  if (!header) return { ok: false, reason: 'missing' };
  let reason: 'malformed' | 'stale' | 'mismatch' = 'mismatch';
  for (const secret of secrets) {
    try {
      return { ok: true, event: Stripe.webhooks.constructEvent(rawBody, header, secret, undefined, undefined, now.getTime()) };
    } catch (err) {
      if (!(err instanceof Stripe.errors.StripeSignatureVerificationError)) return { ok: false, reason: 'malformed' };
      const message = err.message ?? '';
      if (/Unable to extract timestamp/i.test(message)) return { ok: false, reason: 'malformed' };
      if (/tolerance/i.test(message)) reason = 'stale';
    }
  }
  return { ok: false, reason };
}

/** The events to configure on the authority's Stripe webhook endpoint (the others are acknowledged and ignored). */
export const STRIPE_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'charge.refund.updated',
  'refund.failed',
  'charge.dispute.created',
  'charge.dispute.funds_reinstated',
  'charge.dispute.closed',
] as const;

/** What a Stripe event means for a contribution: a payment signal, with the contribution's id where the event says it. */
export type StripeSignal =
  | { kind: 'signal'; signal: PaymentSignal; reference: string | null; paymentIntent: string | null; amountCents?: number; failureReason?: string }
  | { kind: 'ignored'; reason: string };

/**
 * The events the endpoint listens to (configure exactly these in Stripe's dashboard):
 * - `checkout.session.completed` (paid) and `checkout.session.async_payment_succeeded` → succeeded;
 * - `checkout.session.expired`, `checkout.session.async_payment_failed` → failed;
 * - `payment_intent.payment_failed` is ignored: in Checkout a declined card can be tried again (or
 *   another card) in the same session, so a decline is not the end of the payment; the session's
 *   expiry is (`checkout.session.expired`), and a later success is then a plain confirmation;
 * - `charge.refunded` (in full) → refunded;
 * - `refund.failed` and `charge.refund.updated` (a refund Stripe took, then failed: status `failed`) →
 *   refund_failed (the refund is asked again after its back-off, in a new round);
 * - `charge.dispute.created` → refunded: the disputed amount is withdrawn from the account when the
 *   dispute opens, so the money no longer counts (a chargeback, as for the generic provider);
 * - `charge.dispute.funds_reinstated`, `charge.dispute.closed` (status `won`) → reinstated: the dispute
 *   was won, the contribution is confirmed again (DisputesService; a lost dispute changes nothing).
 */
export function stripeSignal(event: Stripe.Event): StripeSignal {
  const object = event.data?.object as unknown as Record<string, unknown> | undefined;
  if (!object) return { kind: 'ignored', reason: 'no_object' };
  const metadataId = (o: Record<string, unknown>) => {
    const m = o.metadata as Record<string, unknown> | null | undefined;
    return typeof m?.contribution_id === 'string' ? m.contribution_id : null;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const intentOf = (v: unknown) => (typeof v === 'string' ? v : str((v as Record<string, unknown> | null)?.id));
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      // Paid later (a bank transfer): completed says "unpaid", async_payment_succeeded brings the money.
      if (object.payment_status !== 'paid') return { kind: 'ignored', reason: `payment_status:${String(object.payment_status)}` };
      return {
        kind: 'signal',
        signal: 'succeeded',
        reference: str(object.client_reference_id) ?? metadataId(object),
        paymentIntent: intentOf(object.payment_intent),
        ...(Number.isInteger(object.amount_total) && object.currency === 'eur' ? { amountCents: object.amount_total as number } : { amountCents: -1 }),
      };
    }
    case 'checkout.session.expired':
    case 'checkout.session.async_payment_failed':
      return {
        kind: 'signal',
        signal: 'failed',
        reference: str(object.client_reference_id) ?? metadataId(object),
        paymentIntent: intentOf(object.payment_intent),
      };
    case 'payment_intent.payment_failed':
      return { kind: 'ignored', reason: 'retry_in_session' };
    case 'refund.failed':
    case 'charge.refund.updated':
      // Only the refunds Tremplin asked (their own metadata names the contribution; no look-up by payment
      // intent: a partial refund made in Stripe's dashboard is not ours). A success is `charge.refunded`'s.
      if (object.status !== 'failed') return { kind: 'ignored', reason: `refund_status:${String(object.status)}` };
      return {
        kind: 'signal',
        signal: 'refund_failed',
        reference: metadataId(object),
        paymentIntent: null,
        failureReason: str(object.failure_reason) ?? 'unknown',
      };
    case 'charge.refunded':
      // A partial refund leaves money counted: only a full one ends the contribution.
      if (object.refunded !== true) return { kind: 'ignored', reason: 'partial_refund' };
      return { kind: 'signal', signal: 'refunded', reference: metadataId(object), paymentIntent: intentOf(object.payment_intent) };
    case 'charge.dispute.created':
      return { kind: 'signal', signal: 'refunded', reference: null, paymentIntent: intentOf(object.payment_intent) };
    case 'charge.dispute.funds_reinstated':
      return { kind: 'signal', signal: 'reinstated', reference: null, paymentIntent: intentOf(object.payment_intent) };
    case 'charge.dispute.closed':
      // Won: the money is back (funds_reinstated says it too, whichever comes first applies). Lost: it stays refunded.
      if (object.status !== 'won') return { kind: 'ignored', reason: `dispute_status:${String(object.status)}` };
      return { kind: 'signal', signal: 'reinstated', reference: null, paymentIntent: intentOf(object.payment_intent) };
    default:
      return { kind: 'ignored', reason: 'event_type' };
  }
}
