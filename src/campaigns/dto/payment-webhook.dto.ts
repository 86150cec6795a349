import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What the payment operator sends about one contribution (documentation: the route checks it by hand, after the signature). */
export class PaymentWebhookDataDto {
  @ApiProperty({ description: 'The contribution reference given at checkout', maxLength: 100, example: 'c_7Kq2mP9xW4' })
  reference: string;
  @ApiPropertyOptional({ description: 'The amount paid or refunded, in cents', type: 'integer', example: 2500 })
  amountCents?: number;
}

export class PaymentWebhookEventDto {
  @ApiProperty({
    description: 'The event id: an event is applied once, a resent one answers `duplicate: true`',
    minLength: 1,
    maxLength: 200,
    example: 'evt_01HZX3',
  })
  id: string;
  @ApiProperty({ enum: ['payment.succeeded', 'payment.failed', 'refund.succeeded'], example: 'payment.succeeded' })
  type: string;
  @ApiProperty({ type: PaymentWebhookDataDto })
  data: PaymentWebhookDataDto;
}

/** A Stripe event (only the members read here; Stripe sends more). */
export class StripeEventDto {
  @ApiProperty({ example: 'evt_1PqX2LJ3' }) id: string;
  @ApiProperty({
    example: 'checkout.session.completed',
    description: 'checkout.session.completed, checkout.session.expired, payment_intent.payment_failed, charge.refunded…',
  })
  type: string;
  @ApiProperty({ description: 'The event’s object (a Checkout Session, a PaymentIntent, a Charge)', type: 'object', additionalProperties: true })
  data: Record<string, unknown>;
}
