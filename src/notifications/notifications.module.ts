import { NotificationsPersonalData } from './notifications.personal-data.js';
import { Module } from '@nestjs/common';
import { EmailRenderer } from './email-renderer.service.js';
import { OutboxRepository } from './outbox.repository.js';
import { OutboxService } from './outbox.service.js';
import { OutboxWorker } from './outbox.worker.js';
import { OutboxScheduler } from './outbox.scheduler.js';

@Module({
  providers: [NotificationsPersonalData, OutboxRepository, OutboxService, EmailRenderer, OutboxWorker, OutboxScheduler],
  exports: [NotificationsPersonalData, OutboxService, OutboxWorker, EmailRenderer],
})
export class NotificationsModule {}
