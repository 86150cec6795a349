import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PaymentSettingsService } from '../payment-settings.service.js';
import type { PaymentProvider } from './payment-provider.js';
import { PledgePaymentProvider } from './pledge.provider.js';
import { WebhookPaymentProvider } from './webhook.provider.js';

/** The payment providers, each as an authority has it set up: for contributing, confirming and refunding. */
@Injectable()
export class PaymentProviders {
  private readonly pledge = new PledgePaymentProvider();

  constructor(private readonly paymentSettings: PaymentSettingsService) {}

  /** The provider as this authority has it set up (its own checkout page, else the installation's). */
  async of(name: 'pledge' | 'webhook', tenantId: string, em?: EntityManager): Promise<PaymentProvider> {
    return name === 'pledge' ? this.pledge : new WebhookPaymentProvider(await this.paymentSettings.checkoutUrl(tenantId, em));
  }
}
