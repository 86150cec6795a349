import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { ConsentService } from './consent.service.js';
import { ConsentsPagesController } from './consents.pages.controller.js';
import { LegalPagesPagesController } from './legal-pages.pages.controller.js';
import { LegalPagesService } from './legal-pages.service.js';
import { LegalPagesView } from './legal-pages.view.js';
import { PersonalDataRegistry } from './personal-data.js';
import { LegalPagesController } from './legal-pages.controller.js';
import { PrivacyRepository } from './privacy.repository.js';
import { RegisterPagesController } from './register.pages.controller.js';
import { SubmissionPrivacy } from './submission-privacy.service.js';

/**
 * Personal data handled as a public body must (GDPR): legal pages, consents, people's rights (export,
 * erasure), retention and the register of processing activities. Low in the module graph: the modules
 * that keep personal data import it to register their `PersonalDataHolder`, record consents through
 * `ConsentService` and ask `LegalPagesService` which version of a call's rules is in force.
 */
@Module({
  imports: [AuditModule, ProgrammesModule],
  controllers: [LegalPagesPagesController, RegisterPagesController, ConsentsPagesController, LegalPagesController],
  providers: [PersonalDataRegistry, PrivacyRepository, LegalPagesService, LegalPagesView, ConsentService, SubmissionPrivacy],
  exports: [PersonalDataRegistry, ConsentService, LegalPagesService, SubmissionPrivacy],
})
export class PrivacyModule {}
