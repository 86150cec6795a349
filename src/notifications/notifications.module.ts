import { NotificationsPersonalData } from './notifications.personal-data.js';
import { Module } from '@nestjs/common';
import { EmailRenderer } from './email-renderer.service.js';
import { EmailSuppressionRepository } from './email-suppression.repository.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';
import { OutboxWorker } from './outbox.worker.js';
import { OutboxScheduler } from './outbox.scheduler.js';
import { UnsubscribePagesController } from './unsubscribe.pages.controller.js';
import { UnsubscribeService } from './unsubscribe.service.js';

@Module({
  controllers: [UnsubscribePagesController],
  providers: [
    NotificationsPersonalData,
    OutboxRepository,
    OutboxService,
    EmailRenderer,
    OutboxWorker,
    OutboxScheduler,
    EmailSuppressionRepository,
    UnsubscribeService,
  ],
  exports: [NotificationsPersonalData, OutboxService, OutboxWorker, EmailRenderer],
})
export class NotificationsModule {}
