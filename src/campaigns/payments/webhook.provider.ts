import { DomainError } from '../../common/errors/domain-error.js';
import { signPayload } from '../domain/webhook-signature.js';
import type { PaymentProvider, PaymentStart, RefundAsk, RefundResult } from './payment-provider.js';
import { refundIdempotencyKey } from './stripe.provider.js';

/** Where the webhook provider takes refunds, and the secret its requests are signed with (the authority's webhook secret). */
export interface RefundTarget {
  url: string;
  secret: string;
}

/**
 * A generic provider driven by signed webhooks (see payments.controller.ts): the contributor pays on the
 * provider's page (`PAYMENT_CHECKOUT_URL?reference=<contribution id>&amount=<cents>&return=<url>`), and
 * the provider calls us back with `payment.succeeded` / `payment.failed` / `refund.succeeded`. A refund
 * is POSTed to the authority's refund URL, signed like the provider's webhooks (`Tremplin-Signature`),
 * with an Idempotency-Key per contribution; the provider answers 2xx (`{"status":"succeeded"}` when done
 * at once) and confirms later with `refund.succeeded`. Without a refund URL, staff make the refund in
 * the operator's back office and record it by hand.
 */
export class WebhookPaymentProvider implements PaymentProvider {
  readonly name = 'webhook' as const;

  constructor(
    private readonly checkoutUrl: string | undefined,
    private readonly refundTarget: () => Promise<RefundTarget | null> = async () => null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(c: { id: string; amountCents: number }, returnUrl: string): PaymentStart {
    if (!this.checkoutUrl) return { kind: 'redirect', url: null, providerRef: c.id };
    const url = new URL(this.checkoutUrl);
    url.searchParams.set('reference', c.id);
    url.searchParams.set('amount', String(c.amountCents));
    url.searchParams.set('return', returnUrl);
    return { kind: 'redirect', url: url.toString(), providerRef: c.id };
  }

  async refund(c: { id: string; amountCents: number }, ask: RefundAsk): Promise<RefundResult> {
    const target = await this.refundTarget();
    if (!target) return 'manual';
    const now = this.now();
    const body = JSON.stringify({
      id: `${ask.refundId}:${ask.round}`,
      type: 'refund.requested',
      created: Math.floor(now.getTime() / 1000),
      data: { reference: c.id, amountCents: c.amountCents, refundId: ask.refundId },
    });
    let res: Response;
    try {
      res = await fetch(target.url, {
        method: 'POST',
        redirect: 'error',
        signal: AbortSignal.timeout(15_000),
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': refundIdempotencyKey(c.id, ask.round),
          'Tremplin-Signature': signPayload(target.secret, body, Math.floor(now.getTime() / 1000)),
        },
        body,
      });
    } catch {
      // Nothing of the URL or the secret in the error: it is stored as the refund's reason.
      throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'webhook', type: 'network' });
    }
    const text = await res.text().catch(() => '');
    if (!res.ok) throw new DomainError('PAYMENT_PROVIDER_UNAVAILABLE', { provider: 'webhook', status: res.status });
    try {
      return (JSON.parse(text) as { status?: unknown })?.status === 'succeeded' ? 'refunded' : 'requested';
    } catch {
      return 'requested';
    }
  }
}
