import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { OutboxWorker } from './outbox.worker.js';

/** Every instance polls the outbox; SKIP LOCKED shares the rows out between them. */
@Injectable()
export class OutboxScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly worker: OutboxWorker,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    this.registry.addInterval('outbox', setInterval(() => void this.worker.runOnce().catch(() => undefined), this.config.outboxIntervalMs));
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'outbox')) this.registry.deleteInterval('outbox');
  }
}
