import { newSecretToken } from '../../auth/domain/tokens.js';
import type { PaymentProvider, PaymentStart, RefundResult } from './payment-provider.js';

/**
 * A pledge: the contributor promises the amount and confirms the promise from an e-mailed link, as for
 * offline collection or a partner platform collecting the money. Nothing is charged, so a refund only
 * releases the promise.
 */
export class PledgePaymentProvider implements PaymentProvider {
  readonly name = 'pledge' as const;

  start(): PaymentStart {
    return { kind: 'confirm_by_email', confirmToken: newSecretToken() };
  }

  async refund(): Promise<RefundResult> {
    return 'refunded';
  }
}
