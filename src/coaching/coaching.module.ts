import { CoachingPersonalData } from './coaching.personal-data.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { JuryModule } from '../jury/jury.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ProgrammesModule } from '../programmes/programmes.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { CoachReviewsService } from './coach-reviews.service.js';
import { CoachingRemindersService } from './coaching-reminders.service.js';
import { CoachingController } from './coaching.controller.js';
import { CoachingPagesController } from './coaching.pages.controller.js';
import { CoachingRepository } from './coaching.repository.js';
import { CoachingScheduler } from './coaching.scheduler.js';
import { CoachingService } from './coaching.service.js';
import { CoachingSessionsService } from './coaching-sessions.service.js';
import { LaureateScheduleService } from './laureate-schedule.service.js';

/** Coaching of the laureates: plan, schedules, evidence and reviews, readiness, reminders and calendar feed. */
@Module({
  imports: [PrivacyModule, AuthModule, TenantsModule, NotificationsModule, ProgrammesModule, JuryModule],
  controllers: [CoachingController, CoachingPagesController],
  providers: [
    CoachingPersonalData,
    CoachingRepository,
    CoachingSessionsService,
    CoachingService,
    LaureateScheduleService,
    CoachReviewsService,
    CoachingRemindersService,
    CoachingScheduler,
  ],
  exports: [CoachingService, CoachingRepository, CoachingScheduler],
})
export class CoachingModule {}
