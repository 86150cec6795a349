import { AuthPersonalData } from './auth.personal-data.js';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { AuthController } from './auth.controller.js';
import { AuthPagesController } from './auth.pages.controller.js';
import { AuthService } from './auth.service.js';
import { CredentialsRepository } from './credentials.repository.js';
import { HousekeepingCron } from './housekeeping.cron.js';
import { PeopleQuery } from './people.query.js';
import { RateLimiter } from './rate-limiter.service.js';
import { RolesGuard } from './roles.guard.js';
import { SessionsService } from './sessions.service.js';
import { UsersRepository } from './users.repository.js';

@Module({
  imports: [NotificationsModule],
  controllers: [AuthController, AuthPagesController],
  providers: [
    AuthPersonalData,
    AuthService,
    SessionsService,
    UsersRepository,
    CredentialsRepository,
    PeopleQuery,
    RateLimiter,
    HousekeepingCron,
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [AuthPersonalData, AuthService, SessionsService, UsersRepository, RateLimiter, PeopleQuery],
})
export class AuthModule {}
