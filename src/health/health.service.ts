import { Inject, Injectable } from '@nestjs/common';
import { isDatabaseUnavailable } from '../common/db/connection-errors.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { type BuildInfo, readBuildInfo } from './build-info.js';
import { HealthRepository } from './health.repository.js';

/** A health check must answer quickly even when the database hangs (a load balancer waits a few seconds). */
const CHECK_TIMEOUT_MS = 2_000;

export interface Readiness {
  status: 'ready' | 'not_ready';
  version: string;
  commit: string | null;
  database: 'reachable' | 'unreachable' | 'error';
  migrations?: { applied: number; shipped: number; pending: string[]; unknown: string[] };
}

export function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    // The rejection waits for the next check phase: when another request blocked the event loop past the
    // deadline, an answer that arrived meanwhile is read first (timers run before I/O callbacks).
    timer = setTimeout(() => setImmediate(() => reject(Object.assign(new Error(`no answer from the database within ${ms} ms`), { code: 'ETIMEDOUT' }))), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

@Injectable()
export class HealthService {
  readonly build: BuildInfo;

  constructor(
    private readonly repo: HealthRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.build = readBuildInfo(config.gitCommit);
  }

  /** For load balancers: throws when the database does not answer. */
  ping(): Promise<void> {
    return withTimeout(this.repo.ping(), CHECK_TIMEOUT_MS);
  }

  /**
   * Ready to serve: the database answers and has every migration this code ships. Migrations the code
   * does not know (a newer instance ran them during a rolling deploy) are listed, not held against it.
   */
  async readiness(): Promise<Readiness> {
    const base = { version: this.build.version, commit: this.build.commit };
    try {
      const applied = await withTimeout(this.repo.appliedMigrations(), CHECK_TIMEOUT_MS);
      const shipped = this.repo.shippedMigrations();
      const pending = shipped.filter((m) => !applied.includes(m));
      const unknown = applied.filter((m) => !shipped.includes(m));
      return {
        status: pending.length ? 'not_ready' : 'ready',
        ...base,
        database: 'reachable',
        migrations: { applied: applied.length, shipped: shipped.length, pending, unknown },
      };
    } catch (err) {
      return { status: 'not_ready', ...base, database: isDatabaseUnavailable(err) ? 'unreachable' : 'error' };
    }
  }
}
