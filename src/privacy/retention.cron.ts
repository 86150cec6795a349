import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { runOncePerSlot } from '../common/scheduling/run-once.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { RetentionService } from './retention.service.js';

/**
 * Daily retention per authority, on one instance: the slot (authority, day) is won once across
 * instances; a day missed while every instance was down is caught up by the next pass, which reads
 * what is due from the data.
 */
@Injectable()
export class RetentionCron implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly ds: DataSource,
    private readonly retention: RetentionService,
    private readonly tenants: TenantsService,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    this.registry.addInterval(
      'privacy-retention',
      setInterval(() => void this.tick(), 15 * 60_000),
    );
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'privacy-retention')) this.registry.deleteInterval('privacy-retention');
  }

  /** One pass per authority and day; returns how many authorities this instance ran. */
  async tick(): Promise<number> {
    const now = this.clock.now();
    const day = now.toISOString().slice(0, 10);
    let ran = 0;
    for (const tenant of await this.tenants.list()) {
      try {
        if (await runOncePerSlot(this.ds, 'privacy-retention', `${tenant.id}:${day}`, now, async () => void (await this.retention.run(tenant, null)))) ran++;
      } catch (e) {
        this.logger.error(`retention failed for ${tenant.slug}: ${(e as Error).message}`);
      }
    }
    return ran;
  }
}
