import { JuryPersonalData } from './jury.personal-data.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { JuryController } from './jury.controller.js';
import { JuryLookups } from './jury-lookups.service.js';
import { JuryPagesController } from './jury.pages.controller.js';
import { JuryStaffPagesController } from './jury-staff.pages.controller.js';
import { JuryPhaseHooks } from './jury.phase-hooks.js';
import { JuryRepository } from './jury.repository.js';
import { JuryResultsService } from './jury-results.service.js';
import { JurySetupService } from './jury-setup.service.js';
import { JuryVoteService } from './jury-vote.service.js';
import { LaureatesQuery } from './laureates.query.js';
import { LaureateChanges } from './laureate-changes.js';
import { JuryWaitingListService } from './jury-waiting.service.js';
import { JuryWaitingController } from './jury-waiting.controller.js';
import { JuryWaitingPagesController } from './jury-waiting.pages.controller.js';

/** The jury of a programme: composition, conflicts, assignment, ballots, results and announcement. */
@Module({
  imports: [PrivacyModule, AuthModule, TenantsModule, NotificationsModule, ProgrammesModule, ApplicationsModule],
  controllers: [JuryController, JuryPagesController, JuryStaffPagesController, JuryWaitingController, JuryWaitingPagesController],
  providers: [
    JuryPersonalData,
    JuryRepository,
    JuryLookups,
    JurySetupService,
    JuryVoteService,
    JuryResultsService,
    JuryPhaseHooks,
    LaureatesQuery,
    LaureateChanges,
    JuryWaitingListService,
  ],
  exports: [JurySetupService, JuryVoteService, JuryResultsService, LaureatesQuery, LaureateChanges, JuryWaitingListService],
})
export class JuryModule {}
