import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PersonalDataRegistry } from './personal-data.js';
import { PrivacyPersonalData } from './privacy.personal-data.js';
import { PersonalDataService } from './personal-data.service.js';
import { PrivacyController } from './privacy.controller.js';
import { PrivacyPagesController } from './privacy.pages.controller.js';
import { PrivacyStaffPagesController } from './privacy-staff.pages.controller.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';
import { PrivacyRequestsService } from './privacy-requests.service.js';
import { RetentionCron } from './retention.cron.js';
import { RetentionService } from './retention.service.js';

/**
 * Personal data handled as a public body must (GDPR): legal pages, consents, people's rights (export,
 * erasure), retention and the register of processing activities. Low in the module graph: the modules
 * that keep personal data import it to register their `PersonalDataHolder`.
 */
@Module({
  imports: [AuditModule, AuthModule, NotificationsModule, StorageModule, TenantsModule],
  controllers: [PrivacyController, PrivacyPagesController, PrivacyStaffPagesController],
  providers: [
    PersonalDataRegistry,
    PrivacyPersonalData,
    PersonalDataService,
    PrivacyRequestsRepository,
    PrivacyRequestsService,
    RetentionService,
    RetentionCron,
  ],
  exports: [PersonalDataRegistry, PersonalDataService, PrivacyRequestsService, RetentionService, RetentionCron],
})
export class PrivacyModule {}
