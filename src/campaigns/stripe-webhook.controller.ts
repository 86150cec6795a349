import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiTags, ApiOperation } from '@nestjs/swagger';
import { StripeEventDto } from './dto/payment-webhook.dto.js';
import { Public } from '../auth/roles.guard.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { CurrentTenant } from '../request-context/current.decorators.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { ContributionsService } from './contributions.service.js';
import { PaymentSettingsService } from './payment-settings.service.js';
import { PaymentProviders } from './payments/payment-providers.js';
import { stripeSignal, verifyStripeEvent } from './payments/stripe.provider.js';

/**
 * Stripe's webhook endpoint for one authority (host or /t/<slug>), to be configured in its Stripe
 * dashboard with the events listed at `stripeSignal`. The `Stripe-Signature` is checked over the raw
 * body with the authority's endpoint secret(s) by the SDK; each event is then applied once by its id
 * (payment_event, provider 'stripe'), whatever the order, by the same state machine as the other providers.
 */
@ApiTags('payments')
@Controller()
export class StripeWebhookController {
  constructor(
    private readonly contributions: ContributionsService,
    private readonly settings: PaymentSettingsService,
    private readonly providers: PaymentProviders,
    private readonly clock: Clock,
  ) {}

  @Post('api/payments/stripe/webhook')
  @Public()
  @HttpCode(200)
  @ApiHeader({ name: 'Stripe-Signature', description: "Stripe's signature of the raw body (t=…,v1=…)", required: true })
  @ApiOperation({ summary: 'Stripe webhook', description: "Stripe's events for contributions paid through Stripe Checkout; signed (`Stripe-Signature`)." })
  @ApiBody({ type: StripeEventDto })
  async webhook(@CurrentTenant() tenant: Tenant, @Req() req: TremplinRequest & { rawBody?: Buffer }) {
    const { endpointSecrets } = await this.settings.stripeCredentials(tenant.id);
    // An authority that has not connected Stripe has no such endpoint (a 404, as for an unknown route).
    if (!endpointSecrets.length) throw new DomainError('NOT_FOUND');
    const header = req.headers['stripe-signature'];
    const check = verifyStripeEvent(endpointSecrets, req.rawBody ?? Buffer.alloc(0), Array.isArray(header) ? header[0] : header, this.clock.now());
    if (!check.ok) throw new DomainError('WEBHOOK_SIGNATURE_INVALID', { reason: check.reason });
    const event = check.event;
    if (typeof event.id !== 'string' || !event.id || event.id.length > 200 || typeof event.type !== 'string') {
      throw new DomainError('WEBHOOK_EVENT_INVALID', {}, [{ field: 'id', message: 'must be the event id' }]);
    }
    const meaning = stripeSignal(event);
    // Acknowledged without being recorded: Stripe stops resending what we do not act on.
    if (meaning.kind === 'ignored') return { outcome: `ignored:${meaning.reason}`, duplicate: false };
    let reference = meaning.reference;
    if (!reference && meaning.paymentIntent) reference = await (await this.providers.stripe(tenant.id)).contributionOfPaymentIntent(meaning.paymentIntent);
    return this.contributions.handleWebhook(
      tenant,
      {
        provider: 'stripe',
        id: event.id,
        type: event.type,
        reference: reference ?? '',
        signal: meaning.signal,
        ...(meaning.amountCents !== undefined ? { amountCents: meaning.amountCents } : {}),
        ...(meaning.failureReason !== undefined ? { failureReason: meaning.failureReason } : {}),
      },
      event as unknown as Record<string, unknown>,
    );
  }
}
