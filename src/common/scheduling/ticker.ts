import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { SchedulerRegistry } from '@nestjs/schedule';
import type { AppConfig } from '../../config/app-config.js';

/**
 * A periodic pass run by every instance: one pass at a time per instance (a tick during a pass joins
 * it), optionally one at start (catching up after downtime), and a shutdown that waits for the pass
 * in progress. What a pass does must be safe with several instances ticking (row locks, dedupe keys).
 */
export abstract class Ticker<T> implements OnApplicationBootstrap, OnApplicationShutdown {
  private ticking: Promise<T> | undefined;

  protected constructor(
    private readonly registry: SchedulerRegistry,
    private readonly settings: AppConfig,
    private readonly intervalName: string,
    private readonly opts: { everyMs: number; atStart: boolean },
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.runWorkers) return;
    if (this.opts.atStart) void this.tick();
    this.registry.addInterval(
      this.intervalName,
      setInterval(() => void this.tick(), this.opts.everyMs),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', this.intervalName)) this.registry.deleteInterval(this.intervalName);
    await this.ticking?.catch(() => undefined);
  }

  tick(): Promise<T> {
    this.ticking ??= this.run().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  protected abstract run(): Promise<T>;
}
