import { CampaignsPersonalData } from './campaigns.personal-data.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { JuryModule } from '../jury/jury.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { PublicModule } from '../public/public.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { CampaignPageCache } from './campaign-page.cache.js';
import { CampaignsController } from './campaigns.controller.js';
import { CampaignsStaffPagesController } from './campaigns-staff.pages.controller.js';
import { CampaignsPagesController } from './campaigns.pages.controller.js';
import { CampaignsRepository } from './campaigns.repository.js';
import { CampaignsScheduler } from './campaigns.scheduler.js';
import { CampaignsStaffService } from './campaigns-staff.service.js';
import { CampaignsService } from './campaigns.service.js';
import { CampaignPageReader } from './campaign-page.reader.js';
import { ContributionsRepository } from './contributions.repository.js';
import { ContributionsExportService } from './contributions-export.service.js';
import { ContributionsService } from './contributions.service.js';
import { ContributionCheckout } from './contribution-checkout.service.js';
import { DisputesService } from './disputes.service.js';
import { MatchFundingRepository } from './match-funding.repository.js';
import { NudgesService } from './nudges.service.js';
import { PageViewsService } from './page-views.service.js';
import { PaymentExpiryService } from './payment-expiry.service.js';
import { PaymentSettingsController } from './payment-settings.controller.js';
import { PaymentSettingsPagesController } from './payment-settings.pages.controller.js';
import { PaymentSettingsRepository } from './payment-settings.repository.js';
import { PaymentSettingsService } from './payment-settings.service.js';
import { PaymentsController } from './payments.controller.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';
import { PaymentProviders } from './payments/payment-providers.js';
import { SettlementService } from './settlement.service.js';
import { RefundsRepository } from './refunds.repository.js';
import { RefundsService } from './refunds.service.js';
import { RefundsController } from './refunds.controller.js';
import { RefundsPagesController } from './refunds.pages.controller.js';
import { RefundsExportService } from './refunds-export.service.js';
import { SharePagesController } from './share.pages.controller.js';
import { SupportersRepository } from './supporters.repository.js';
import { SupportersService } from './supporters.service.js';
import { CampaignImagesPagesController } from './campaign-images.pages.controller.js';
import { CampaignImagesService } from './campaign-images.service.js';
import { MatchReservations } from './match-reservations.service.js';

/**
 * The synchronised collection: campaign pages, contributions, match-funding, settlement and news, and
 * the payment providers with each authority's settings for them (PaymentSettingsService is exported
 * for the platform back office).
 */
@Module({
  imports: [PrivacyModule, ApplicationsModule, AuthModule, TenantsModule, NotificationsModule, ProgrammesModule, PublicModule, JuryModule],
  controllers: [
    CampaignsController,
    PaymentsController,
    StripeWebhookController,
    PaymentSettingsController,
    CampaignsPagesController,
    CampaignImagesPagesController,
    CampaignsStaffPagesController,
    RefundsPagesController,
    PaymentSettingsPagesController,
    SharePagesController,
    RefundsController,
  ],
  providers: [
    CampaignsPersonalData,
    CampaignPageCache,
    CampaignsRepository,
    ContributionsRepository,
    MatchFundingRepository,
    CampaignsService,
    CampaignPageReader,
    CampaignImagesService,
    CampaignsStaffService,
    ContributionsService,
    ContributionCheckout,
    MatchReservations,
    DisputesService,
    ContributionsExportService,
    SettlementService,
    RefundsRepository,
    RefundsService,
    RefundsExportService,
    PaymentExpiryService,
    NudgesService,
    CampaignsScheduler,
    PageViewsService,
    PaymentProviders,
    PaymentSettingsRepository,
    PaymentSettingsService,
    SupportersRepository,
    SupportersService,
  ],
  exports: [CampaignsRepository, CampaignsService, ContributionsService, CampaignsScheduler, PageViewsService, PaymentSettingsService],
})
export class CampaignsModule {}
