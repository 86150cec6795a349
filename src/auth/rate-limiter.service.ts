import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { DomainError } from '../common/errors/domain-error.js';

/**
 * Fixed-window counters in PostgreSQL, so that every app instance counts against the same limit.
 * One atomic upsert per hit.
 */
@Injectable()
export class RateLimiter {
  constructor(private readonly ds: DataSource, private readonly clock: Clock) {}

  /** Counts a hit; throws RATE_LIMITED once `limit` hits happened in the current window. */
  async hit(key: string, limit: number, windowSeconds: number): Promise<void> {
    const now = this.clock.now().getTime();
    const windowMs = windowSeconds * 1000;
    const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
    const rows: Array<{ hits: number }> = await this.ds.query(
      `INSERT INTO rate_limit_bucket (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
       RETURNING hits`,
      [key, windowStart],
    );
    if (rows[0].hits > limit) {
      const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
      throw new DomainError('RATE_LIMITED', { retryAfterSeconds });
    }
  }

  /** Old windows are useless; the scheduler removes them. */
  async purge(before: Date): Promise<void> {
    await this.ds.query('DELETE FROM rate_limit_bucket WHERE window_start < $1', [before]);
  }
}
