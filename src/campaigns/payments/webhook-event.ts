import type { PaymentSignal } from '../domain/states.js';

/**
 * One provider event, as each provider's webhook route reads it: which provider, its event id (the
 * dedupe key, per provider), the contribution it is about, and the signal it means for it.
 */
export interface WebhookEvent {
  provider: 'webhook' | 'stripe';
  id: string;
  /** The provider's own event type (kept with the event). */
  type: string;
  reference: string;
  signal: PaymentSignal;
  /** What was paid, when the event says it: a payment of another amount is owed back. */
  amountCents?: number;
  /** Why the provider's refund failed (`refund_failed`: Stripe's `failure_reason`). */
  failureReason?: string;
}

/** The generic webhook provider's event types. */
export const WEBHOOK_SIGNALS: Record<'payment.succeeded' | 'payment.failed' | 'refund.succeeded', PaymentSignal> = {
  'payment.succeeded': 'succeeded',
  'payment.failed': 'failed',
  'refund.succeeded': 'refunded',
};
