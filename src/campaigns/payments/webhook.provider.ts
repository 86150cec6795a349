import type { PaymentProvider, PaymentStart, RefundResult } from './payment-provider.js';

/**
 * A generic provider driven by signed webhooks (see payments.controller.ts): the contributor pays on the
 * provider's page (`PAYMENT_CHECKOUT_URL?reference=<contribution id>&amount=<cents>&return=<url>`), and
 * the provider calls us back with `payment.succeeded` / `payment.failed` / `refund.succeeded`. Refunds
 * are requested from the operator's payment system (listed in the staff export) and end when the
 * provider confirms them by webhook.
 */
export class WebhookPaymentProvider implements PaymentProvider {
  readonly name = 'webhook' as const;

  constructor(private readonly checkoutUrl: string | undefined) {}

  start(c: { id: string; amountCents: number }, returnUrl: string): PaymentStart {
    if (!this.checkoutUrl) return { kind: 'redirect', url: null, providerRef: c.id };
    const url = new URL(this.checkoutUrl);
    url.searchParams.set('reference', c.id);
    url.searchParams.set('amount', String(c.amountCents));
    url.searchParams.set('return', returnUrl);
    return { kind: 'redirect', url: url.toString(), providerRef: c.id };
  }

  async refund(): Promise<RefundResult> {
    return 'requested';
  }
}
