import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { hourSlot, runOncePerSlot } from '../common/scheduling/run-once.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { AuthService } from './auth.service.js';
import { RateLimiter } from './rate-limiter.service.js';

/** Hourly, on one instance: removes expired sessions and links and past rate-limit windows. */
@Injectable()
export class HousekeepingCron implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Housekeeping');

  constructor(
    private readonly ds: DataSource,
    private readonly auth: AuthService,
    private readonly limiter: RateLimiter,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    this.registry.addInterval(
      'housekeeping',
      setInterval(() => void this.run(), 5 * 60_000),
    );
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'housekeeping')) this.registry.deleteInterval('housekeeping');
  }

  run(): Promise<boolean> {
    const now = this.clock.now();
    return runOncePerSlot(this.ds, 'housekeeping', hourSlot(now), now, async () => {
      await this.auth.purgeExpired();
      await this.limiter.purge(new Date(now.getTime() - 86_400_000));
    }).catch((err) => {
      this.logger.error({ err }, 'housekeeping failed');
      return false;
    });
  }
}
