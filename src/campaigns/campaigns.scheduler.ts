import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock/clock.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { ContributionsService } from './contributions.service.js';

/**
 * Every instance ticks. Each step reads what is due from the data and changes it under row locks with
 * a status check, so two instances do each thing once, and a tick after downtime catches up: pending
 * contributions expire, campaigns awaiting funds settle, pledges due back are released, nudges go out.
 */
@Injectable()
export class CampaignsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CampaignsScheduler');
  private ticking: Promise<Record<string, number>> | undefined;

  constructor(
    private readonly contributions: ContributionsService,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    void this.tick();
    this.registry.addInterval('campaigns', setInterval(() => void this.tick(), this.config.schedulerIntervalMs));
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'campaigns')) this.registry.deleteInterval('campaigns');
  }

  tick(): Promise<Record<string, number>> {
    this.ticking ??= this.run().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async run(): Promise<Record<string, number>> {
    const now = this.clock.now();
    const done: Record<string, number> = {};
    for (const [name, step] of [
      ['expired', () => this.contributions.expireDue(now)],
      ['settled', () => this.contributions.settleDue(now)],
      ['refunded', () => this.contributions.refundDue(now)],
      ['nudges', () => this.contributions.queueNudges(now)],
    ] as const) {
      try {
        done[name] = await step();
      } catch (err) {
        this.logger.error({ err }, `campaigns tick step ${name} failed`);
      }
    }
    return done;
  }
}
