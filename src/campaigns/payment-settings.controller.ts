import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
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
  get(@CurrentTenant() tenant: Tenant) {
    return this.settings.view(tenant.id);
  }

  @Put()
  @Roles(['staff'])
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

  /** Ends a rotation before its grace period: the previous webhook secret is refused from now on. */
  @Post('end-rotation')
  @HttpCode(200)
  @Roles(['staff'])
  endRotation(@CurrentTenant() tenant: Tenant, @CurrentPrincipal() principal: Principal) {
    return this.settings.endRotation(tenant.id, actorOf(principal));
  }
}
