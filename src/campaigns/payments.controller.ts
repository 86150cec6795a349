import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PaymentWebhookEventDto } from './dto/payment-webhook.dto.js';
import { Public } from '../auth/roles.guard.js';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';
import { CurrentTenant } from '../request-context/current.decorators.js';
import type { TremplinRequest } from '../request-context/request-context.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { ContributionsService } from './contributions.service.js';
import { WEBHOOK_SIGNALS, type WebhookEvent } from './payments/webhook-event.js';
import { verifyWithAny } from './domain/webhook-signature.js';
import { PaymentSettingsService } from './payment-settings.service.js';

const TYPES = ['payment.succeeded', 'payment.failed', 'refund.succeeded'];

/**
 * The webhook payment provider's callbacks. The signature covers the raw body with a timestamp
 * (HMAC-SHA256) and is checked with the secret of the authority the request is for (host or /t/<slug>):
 * its own (and its previous one during a rotation), else PAYMENT_WEBHOOK_SECRET. Events are applied
 * once by their id.
 */
@ApiTags('payments')
@Controller()
export class PaymentsController {
  constructor(
    private readonly contributions: ContributionsService,
    private readonly clock: Clock,
    private readonly settings: PaymentSettingsService,
  ) {}

  @Post('api/payments/webhook')
  @Public()
  @HttpCode(200)
  @ApiHeader({ name: 'Tremplin-Signature', description: 't=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">', required: true })
  @ApiOperation({
    summary: 'Payment operator webhook',
    description:
      "The payment operator tells a contribution's payment succeeded, failed or was refunded; signed with the authority's webhook secret (HMAC of the raw body).",
  })
  @ApiBody({ type: PaymentWebhookEventDto })
  async webhook(@CurrentTenant() tenant: Tenant, @Req() req: TremplinRequest & { rawBody?: Buffer }, @Body() body: Record<string, unknown>) {
    const secrets = await this.settings.webhookSecrets(tenant.id);
    if (!secrets.length) throw new DomainError('WEBHOOK_NOT_CONFIGURED');
    const header = req.headers['tremplin-signature'];
    const check = verifyWithAny(secrets, req.rawBody ?? Buffer.alloc(0), Array.isArray(header) ? header[0] : header, this.clock.now());
    if (!check.ok) throw new DomainError('WEBHOOK_SIGNATURE_INVALID', { reason: check.reason });
    const data = (body?.data ?? {}) as Record<string, unknown>;
    const event = {
      id: body?.id,
      type: body?.type,
      reference: data.reference,
      amountCents: data.amountCents,
    };
    const problems = [
      ...(typeof event.id === 'string' && event.id.length >= 1 && event.id.length <= 200 ? [] : [{ field: 'id', message: 'must be the event id' }]),
      ...(typeof event.type === 'string' && TYPES.includes(event.type) ? [] : [{ field: 'type', message: `must be one of ${TYPES.join(', ')}` }]),
      ...(typeof event.reference === 'string' && event.reference.length <= 100
        ? []
        : [{ field: 'data.reference', message: 'must be the contribution reference' }]),
      ...(event.amountCents === undefined || Number.isInteger(event.amountCents) ? [] : [{ field: 'data.amountCents', message: 'must be whole cents' }]),
    ];
    if (problems.length) throw new DomainError('WEBHOOK_EVENT_INVALID', {}, problems);
    const known = event as Omit<WebhookEvent, 'provider' | 'signal'> & { type: keyof typeof WEBHOOK_SIGNALS };
    return this.contributions.handleWebhook(tenant, { ...known, provider: 'webhook', signal: WEBHOOK_SIGNALS[known.type] }, body);
  }
}
