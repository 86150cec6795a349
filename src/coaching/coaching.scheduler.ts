import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock/clock.js';
import { Ticker } from '../common/scheduling/ticker.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { CoachingRemindersService } from './coaching-reminders.service.js';

/**
 * Every instance ticks; each reminder and digest carries a stable outbox dedupe key, so however many
 * instances tick, each e-mail is queued once. What is due is read from the data, so a tick missed
 * during downtime is caught up by the next.
 */
@Injectable()
export class CoachingScheduler extends Ticker<number> {
  private readonly logger = new Logger('CoachingScheduler');

  constructor(
    private readonly reminders: CoachingRemindersService,
    private readonly clock: Clock,
    registry: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(registry, config, 'coaching-reminders', { everyMs: Math.max(config.schedulerIntervalMs, 60_000), atStart: false });
  }

  /** Returns how many e-mails this tick queued. */
  protected async run(): Promise<number> {
    try {
      return await this.reminders.queueDue(this.clock.now());
    } catch (err) {
      this.logger.error({ err }, 'coaching reminder tick failed');
      return 0;
    }
  }
}
