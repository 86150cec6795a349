import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Clock } from '../common/clock/clock.js';
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
export class ProgrammesScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Scheduler');
  private ticking: Promise<number> | undefined;

  constructor(
    private readonly programmes: ProgrammesRepository,
    private readonly service: ProgrammesService,
    private readonly registry: SchedulerRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.runWorkers) return;
    void this.tick();
    this.registry.addInterval('programme-phases', setInterval(() => void this.tick(), this.config.schedulerIntervalMs));
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'programme-phases')) this.registry.deleteInterval('programme-phases');
  }

  /** Returns how many phases were entered. */
  tick(): Promise<number> {
    this.ticking ??= this.run().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async run(): Promise<number> {
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
