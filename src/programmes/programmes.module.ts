import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PhaseHooks } from './phase-hooks.js';
import { ProgrammesController } from './programmes.controller.js';
import { ProgrammesPagesController } from './programmes.pages.controller.js';
import { ProgrammesRepository } from './programmes.repository.js';
import { ProgrammesScheduler } from './programmes.scheduler.js';
import { ProgrammesService } from './programmes.service.js';

@Module({
  imports: [AuthModule, TenantsModule, NotificationsModule],
  controllers: [ProgrammesController, ProgrammesPagesController],
  providers: [ProgrammesRepository, ProgrammesService, ProgrammesScheduler, PhaseHooks],
  exports: [ProgrammesService, ProgrammesRepository, PhaseHooks, ProgrammesScheduler],
})
export class ProgrammesModule {}
