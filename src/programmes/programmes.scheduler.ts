import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock/clock.js';
import { Ticker } from '../common/scheduling/ticker.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { ProgrammesRepository } from './programmes.repository.js';
import { ProgrammesService } from './programmes.service.js';

/**
 * Every instance ticks; each due programme is advanced under its row lock, so a phase is entered
 * once however many instances run. The first tick runs at start, which catches up on instants that
 * passed while the app was down.
 */
@Injectable()
export class ProgrammesScheduler extends Ticker<number> {
  private readonly logger = new Logger('Scheduler');

  constructor(
    private readonly programmes: ProgrammesRepository,
    private readonly service: ProgrammesService,
    private readonly clock: Clock,
    registry: SchedulerRegistry,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super(registry, config, 'programme-phases', { everyMs: config.schedulerIntervalMs, atStart: true });
  }

  /** Returns how many phases were entered. */
  protected async run(): Promise<number> {
    let entered = 0;
    try {
      for (const { id } of await this.programmes.due(this.clock.now())) {
        entered += (await this.service.advanceDue(id)).length;
      }
    } catch (err) {
      this.logger.error({ err }, 'programme phase tick failed');
    }
    return entered;
  }
}
