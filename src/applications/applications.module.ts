import { ApplicationsPersonalData } from './applications.personal-data.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ApplicantsQuery } from './applicants.query.js';
import { ApplicationsController } from './applications.controller.js';
import { ApplicationsPagesController } from './applications.pages.controller.js';
import { ApplicationsStaffPagesController } from './applications-staff.pages.controller.js';
import { ApplicationsRepository } from './applications.repository.js';
import { ApplicationsService } from './applications.service.js';
import { CallRulesPagesController } from './call-rules.pages.controller.js';
import { CallRulesService } from './call-rules.service.js';
import { ContactEmailService } from './contact-email.service.js';
import { ScreeningService } from './screening.service.js';

@Module({
  imports: [PrivacyModule, AuthModule, TenantsModule, NotificationsModule, ProgrammesModule],
  controllers: [ApplicationsController, ApplicationsPagesController, ApplicationsStaffPagesController, CallRulesPagesController],
  providers: [ApplicationsPersonalData, ApplicationsRepository, ApplicationsService, CallRulesService, ContactEmailService, ScreeningService, ApplicantsQuery],
  exports: [ApplicationsService, ApplicantsQuery, ApplicationsPersonalData],
})
export class ApplicationsModule {}
