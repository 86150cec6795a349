import { PartnersPersonalData } from './partners.personal-data.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { CoachingModule } from '../coaching/coaching.module.js';
import { JuryModule } from '../jury/jury.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PartnersController } from './partners.controller.js';
import { PartnersPagesController } from './partners.pages.controller.js';
import { PartnersRepository } from './partners.repository.js';
import { MatchingService } from './matching.service.js';
import { PartnersService } from './partners.service.js';

/** Sponsor partners: profiles and contacts, laureates' needs, rankings, and the matching. */
@Module({
  imports: [PrivacyModule, AuthModule, TenantsModule, NotificationsModule, ProgrammesModule, CoachingModule, ApplicationsModule, JuryModule],
  controllers: [PartnersController, PartnersPagesController],
  providers: [PartnersPersonalData, PartnersRepository, PartnersService, MatchingService],
  exports: [PartnersService],
})
export class PartnersModule {}
