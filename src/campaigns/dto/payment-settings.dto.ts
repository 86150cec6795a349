import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, ValidateIf } from 'class-validator';

/**
 * `PUT /api/payment-settings`. The rules (lengths, URL) are checked by the service
 * (domain/payment-settings.ts), so that the platform back office calling it directly gets the same.
 */
export class PaymentSettingsDto {
  @ApiPropertyOptional({
    description: 'A new webhook secret (24 to 500 printable characters, no spaces). Absent: keep the current one. Never returned.',
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  webhookSecret?: string;

  @ApiPropertyOptional({ nullable: true, description: "The provider's payment page (http(s)). null: the installation's default. Absent: keep it." })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  checkoutUrl?: string | null;

  @ApiPropertyOptional({
    nullable: true,
    description:
      'Where refunds are asked (http(s)): a POST per refund signed like the webhooks (Tremplin-Signature). null: none (refunds by hand). Absent: keep it.',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  refundUrl?: string | null;

  @ApiPropertyOptional({
    description: "Stripe: the authority's secret API key (sk_test_…, sk_live_… or rk_…). Absent: keep it. Never returned.",
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  stripeSecretKey?: string;

  @ApiPropertyOptional({
    description: "Stripe: the signing secret of the authority's webhook endpoint (whsec_…); the previous one stays accepted for 24 hours. Never returned.",
    writeOnly: true,
  })
  @IsOptional()
  @IsString()
  stripeEndpointSecret?: string;
}
