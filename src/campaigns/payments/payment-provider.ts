import type { Contribution } from '../campaign.entity.js';

/**
 * The payment provider port. A contribution is created `pending`; the provider then says, one way or
 * another, whether the money came (`succeeded`) or not (`failed`), and later whether a refund went
 * through. Plugging a real provider (Stripe, Mangopay, Lemonway) means implementing this interface:
 * `start` creates the provider's payment (checkout session, pay-in) with the contribution id as
 * reference and returns where to send the contributor; its webhooks are turned into PaymentSignals by a
 * verifier like WebhookPaymentProvider's; `refund` calls the provider's refund API. See README "Payments".
 */
export type PaymentStart =
  /** The contributor confirms from a link we e-mail (a pledge). */
  | { kind: 'confirm_by_email'; confirmToken: string }
  /** The contributor pays on the provider's page; its webhook confirms. */
  | { kind: 'redirect'; url: string | null; providerRef: string };

/**
 * What asking for a refund gave: done at once (`refunded`), taken by the provider and to be confirmed by
 * its webhook (`requested`), or not askable (`manual`: staff make it in the provider's back office and
 * record it by hand). A failure throws a DomainError (its details name the provider's type/code).
 */
export type RefundResult = 'refunded' | 'requested' | 'manual';

/** Which refund is asked: its id, and its round (a new round after the provider reported the previous one failed). */
export interface RefundAsk {
  refundId: string;
  round: number;
}

export type PaymentProviderName = 'pledge' | 'webhook' | 'stripe';

/** What the provider's page may show the contributor (the line's label, the page's language), and how long it stays open. */
export interface StartDetails {
  label: string;
  locale: string;
  /** When the contribution is created, and when it expires if still pending (the provider's page should close then). */
  now?: Date;
  expiresAt?: Date;
}

export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /**
   * `start` calls the provider over the network (Stripe): it is then called after the contribution's
   * transaction has committed, never under its row locks (see ContributionCheckout).
   */
  readonly remote?: boolean;
  /** The longest a pending contribution may wait for this provider (a Checkout Session lives 24 hours at most). */
  readonly maxPendingMs?: number;
  /** Throws when the provider cannot take payments at all (no key): checked before anything is reserved. */
  assertReady?(): void;
  /** May call the provider (Stripe creates a Checkout Session): then it is idempotent per contribution. */
  start(contribution: Pick<Contribution, 'id' | 'amountCents' | 'email'>, returnUrl: string, details?: StartDetails): PaymentStart | Promise<PaymentStart>;
  /**
   * Where a pending contribution is paid, when the provider keeps its own page per payment (Stripe's
   * session; `paid`: the contributor has paid there and the provider's confirmation is on its way);
   * absent: `start` again gives it (the webhook provider's page is a plain link).
   */
  resume?(contribution: Pick<Contribution, 'providerRef'>): Promise<{ url: string | null; paid: boolean }>;
  /** Gives the money back; idempotent per contribution and round (a retry never refunds twice). */
  refund(contribution: Pick<Contribution, 'id' | 'amountCents' | 'providerRef'>, ask: RefundAsk): Promise<RefundResult>;
}
