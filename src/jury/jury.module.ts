import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { JuryController } from './jury.controller.js';
import { JuryPagesController } from './jury.pages.controller.js';
import { JuryRepository } from './jury.repository.js';
import { JuryService } from './jury.service.js';
import { LaureatesModule } from './laureates.module.js';

/** The jury of a programme: composition, conflicts, assignment, ballots, results and announcement. */
@Module({
  imports: [AuthModule, TenantsModule, NotificationsModule, ProgrammesModule, ApplicationsModule, LaureatesModule],
  controllers: [JuryController, JuryPagesController],
  providers: [JuryRepository, JuryService],
  exports: [JuryService, LaureatesModule],
})
export class JuryModule {}
