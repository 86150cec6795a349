import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock/clock.js';
import { Ticker } from '../common/scheduling/ticker.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { NudgesService } from './nudges.service.js';
import { PaymentExpiryService } from './payment-expiry.service.js';
import { PaymentSettingsService } from './payment-settings.service.js';
import { RefundsService } from './refunds.service.js';
import { SettlementService } from './settlement.service.js';

/**
 * Every instance ticks. Each step reads what is due from the data and changes it under row locks with
 * a status check, so two instances do each thing once, and a tick after downtime catches up: pending
 * contributions expire, campaigns awaiting funds settle, refunds due are asked of their providers (claimed
 * with SKIP LOCKED, see RefundsService), nudges go out,
 * and previous payment secrets past their grace period are deleted.
 */
@Injectable()
export class CampaignsScheduler extends Ticker<Record<string, number>> {
  private readonly logger = new Logger('CampaignsScheduler');

  constructor(
    private readonly expiry: PaymentExpiryService,
    private readonly settlement: SettlementService,
    private readonly refunds: RefundsService,
    private readonly nudges: NudgesService,
    private readonly paymentSettings: PaymentSettingsService,
    private readonly clock: Clock,
    registry: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(registry, config, 'campaigns', { everyMs: config.schedulerIntervalMs, atStart: true });
  }

  protected async run(): Promise<Record<string, number>> {
    const now = this.clock.now();
    const done: Record<string, number> = {};
    for (const [name, step] of [
      ['expired', () => this.expiry.expireDue(now)],
      ['settled', () => this.settlement.settleDue(now)],
      ['refunded', () => this.refunds.runDue(now)],
      ['nudges', () => this.nudges.queueNudges(now)],
      ['paymentSecretsForgotten', () => this.paymentSettings.deleteExpired(now)],
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
