import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { CoachingService } from './coaching.service.js';

/**
 * Every instance ticks; each reminder and digest carries a stable outbox dedupe key, so however many
 * instances tick, each e-mail is queued once. What is due is read from the data, so a tick missed
 * during downtime is caught up by the next.
 */
@Injectable()
export class CoachingScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CoachingScheduler');
  private ticking: Promise<number> | undefined;

  constructor(
    private readonly coaching: CoachingService,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    this.registry.addInterval('coaching-reminders', setInterval(() => void this.tick(), Math.max(this.config.schedulerIntervalMs, 60_000)));
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'coaching-reminders')) this.registry.deleteInterval('coaching-reminders');
  }

  /** Returns how many e-mails this tick queued. */
  tick(): Promise<number> {
    this.ticking ??= this.run().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async run(): Promise<number> {
    try {
      return await this.coaching.queueDue(this.clock.now());
    } catch (err) {
      this.logger.error({ err }, 'coaching reminder tick failed');
      return 0;
    }
  }
}
