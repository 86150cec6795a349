import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { PlatformController } from './platform.controller.js';
import { PlatformPagesController } from './platform.pages.controller.js';
import { PlatformReadModel } from './platform.read-model.js';
import { PlatformRepository } from './platform.repository.js';
import { PlatformService } from './platform.service.js';

@Module({
  imports: [AuthModule, TenantsModule, NotificationsModule],
  controllers: [PlatformController, PlatformPagesController],
  providers: [PlatformRepository, PlatformReadModel, PlatformService],
  exports: [PlatformService],
})
export class PlatformModule {}
