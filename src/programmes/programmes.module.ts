import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { LaureatesModule } from '../jury/laureates.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PhaseHooks } from './phase-hooks.js';
import { ProgrammesController } from './programmes.controller.js';
import { ProgrammesPagesController } from './programmes.pages.controller.js';
import { ProgrammesRepository } from './programmes.repository.js';
import { ProgrammesScheduler } from './programmes.scheduler.js';
import { ProgrammesService } from './programmes.service.js';

@Module({
  // LaureatesModule, not JuryModule (which imports this one), for "my space" until it moves to its own module.
  imports: [AuthModule, TenantsModule, NotificationsModule, LaureatesModule],
  controllers: [ProgrammesController, ProgrammesPagesController],
  providers: [ProgrammesRepository, ProgrammesService, ProgrammesScheduler, PhaseHooks],
  exports: [ProgrammesService, ProgrammesRepository, PhaseHooks, ProgrammesScheduler],
})
export class ProgrammesModule {}
