import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ConsentService } from './consent.service.js';
import { ConsentsPagesController } from './consents.pages.controller.js';
import { LegalPagesController } from './legal-pages.controller.js';
import { LegalPagesPagesController } from './legal-pages.pages.controller.js';
import { LegalPagesService } from './legal-pages.service.js';
import { LegalPagesView } from './legal-pages.view.js';
import { PersonalDataRegistry } from './personal-data.js';
import { PersonalDataService } from './personal-data.service.js';
import { PrivacyController } from './privacy.controller.js';
import { PrivacyPagesController } from './privacy.pages.controller.js';
import { PrivacyPersonalData } from './privacy.personal-data.js';
import { PrivacyRepository } from './privacy.repository.js';
import { PrivacyRequestsRepository } from './privacy-requests.repository.js';
import { PrivacyRequestsService } from './privacy-requests.service.js';
import { PrivacyStaffPagesController } from './privacy-staff.pages.controller.js';
import { RegisterPagesController } from './register.pages.controller.js';
import { RetentionCron } from './retention.cron.js';
import { RetentionService } from './retention.service.js';
import { SubmissionPrivacy } from './submission-privacy.service.js';

/**
 * Personal data handled as a public body must (GDPR): legal pages, consents, people's rights (export,
 * erasure), retention and the register of processing activities. Low in the module graph: the modules
 * that keep personal data import it to register their `PersonalDataHolder`, record consents through
 * `ConsentService` and ask `SubmissionPrivacy` which version of a call's rules an applicant accepts.
 */
@Module({
  imports: [AuditModule, AuthModule, NotificationsModule, ProgrammesModule, StorageModule, TenantsModule],
  controllers: [
    PrivacyController,
    PrivacyPagesController,
    PrivacyStaffPagesController,
    LegalPagesPagesController,
    RegisterPagesController,
    ConsentsPagesController,
    LegalPagesController,
  ],
  providers: [
    PersonalDataRegistry,
    PrivacyPersonalData,
    PersonalDataService,
    PrivacyRequestsRepository,
    PrivacyRequestsService,
    RetentionService,
    RetentionCron,
    PrivacyRepository,
    LegalPagesService,
    LegalPagesView,
    ConsentService,
    SubmissionPrivacy,
  ],
  exports: [
    PersonalDataRegistry,
    PersonalDataService,
    PrivacyRequestsService,
    RetentionService,
    RetentionCron,
    ConsentService,
    LegalPagesService,
    SubmissionPrivacy,
  ],
})
export class PrivacyModule {}
