import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Roles } from '../auth/roles.guard.js';
import { CurrentPrincipal, CurrentTenant } from '../request-context/current.decorators.js';
import type { Principal } from '../auth/principal.js';
import type { Tenant } from '../tenants/tenant.entity.js';
import { PaymentSettingsDto } from './dto/payment-settings.dto.js';
import { actorOf, PaymentSettingsService } from './payment-settings.service.js';

/** The authority's payment provider credentials: written here, only ever described back ("set on …"). */
@ApiTags('payment-settings')
@ApiBearerAuth()
@Controller('api/payment-settings')
export class PaymentSettingsController {
  constructor(private readonly settings: PaymentSettingsService) {}

  @Get()
  @Roles(['staff'])
  @ApiOperation({ summary: 'Read the payment settings', description: "The authority's payment operator and webhook settings (never the secrets)." })
  get(@CurrentTenant() tenant: Tenant) {
    return this.settings.view(tenant.id);
  }

  @Put()
  @Roles(['staff'])
  @ApiOperation({ summary: 'Set the payment settings', description: 'Sets the payment operator and its keys; a new webhook secret starts a rotation.' })
  put(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal, @Body() dto: PaymentSettingsDto) {
    return this.settings.setPaymentSecrets(
      tenant.id,
      {
        webhookSecret: dto.webhookSecret,
        checkoutUrl: dto.checkoutUrl,
        refundUrl: dto.refundUrl,
        stripeSecretKey: dto.stripeSecretKey,
        stripeEndpointSecret: dto.stripeEndpointSecret,
      },
      actorOf(principal),
    );
  }

  @Post('end-rotation')
  @HttpCode(200)
  @Roles(['staff'])
  @ApiOperation({
    summary: 'End a secret rotation',
    description: 'Ends a rotation before its grace period: the previous webhook secret is refused from now on.',
  })
  endRotation(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal) {
    return this.settings.endRotation(tenant.id, actorOf(principal));
  }
}
