import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { OutboxWorker } from './outbox.worker.js';

/**
 * Every instance polls the outbox; SKIP LOCKED shares the rows out between them. A tick runs passes
 * until nothing (more) is due, so throughput is not one batch per interval; each pass starts again
 * with transactional mail.
 */
@Injectable()
export class OutboxScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private busy = false;

  constructor(
    private readonly worker: OutboxWorker,
    private readonly registry: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    this.registry.addInterval(
      'outbox',
      setInterval(() => void this.tick(), this.config.outboxIntervalMs),
    );
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.worker.drain();
    } catch {
      // A failed pass is retried at the next tick.
    } finally {
      this.busy = false;
    }
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'outbox')) this.registry.deleteInterval('outbox');
  }
}
