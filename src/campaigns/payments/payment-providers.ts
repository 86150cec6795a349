import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { Clock } from '../../common/clock/clock.js';
import { PaymentSettingsService } from '../payment-settings.service.js';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { PaymentProvider, PaymentProviderName } from './payment-provider.js';
import { StripePaymentProvider, stripeClient } from './stripe.provider.js';
import { PledgePaymentProvider } from './pledge.provider.js';
import { WebhookPaymentProvider } from './webhook.provider.js';

/** The payment providers, each as an authority has it set up: for contributing, confirming and refunding. */
@Injectable()
export class PaymentProviders {
  private readonly pledge = new PledgePaymentProvider();

  constructor(
    private readonly paymentSettings: PaymentSettingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * The provider as this authority has it set up (its own checkout page or Stripe account, else the
   * installation's). `known`: the authority's checkout page already read (a contribution's context).
   */
  async of(name: PaymentProviderName, tenantId: string, em?: EntityManager, known?: { webhookCheckoutUrl: string | null }): Promise<PaymentProvider> {
    if (name === 'pledge') return this.pledge;
    if (name === 'stripe') return this.stripe(tenantId, em);
    return new WebhookPaymentProvider(
      known ? this.paymentSettings.checkoutUrlOr(known.webhookCheckoutUrl) : await this.paymentSettings.checkoutUrl(tenantId, em),
      () => this.paymentSettings.refundTarget(tenantId),
      () => this.clock.now(),
    );
  }

  /** The authority's Stripe account (a client per call: keys are read fresh, so a change holds on every instance at once). */
  async stripe(tenantId: string, em?: EntityManager): Promise<StripePaymentProvider> {
    const { secretKey } = await this.paymentSettings.stripeCredentials(tenantId, em);
    return new StripePaymentProvider(secretKey ? stripeClient(secretKey, this.config.stripeApiUrl) : null);
  }
}
