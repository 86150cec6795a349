import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/clock/clock.js';
import { prepared } from '../common/db/prepared.js';
import { DomainError } from '../common/errors/domain-error.js';

export interface Reservation {
  keys: string[];
  windowStart: Date;
}

/**
 * Fixed-window counters in PostgreSQL, so that every app instance counts against the same limit.
 * One atomic upsert per hit.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Counts a hit; throws RATE_LIMITED once `limit` hits happened in the current window. `em`: on that
   * connection (outside any transaction, or the hit would be undone with it).
   */
  async hit(key: string, limit: number, windowSeconds: number, em?: EntityManager): Promise<void> {
    // A transaction would undo the hit with it, and would commit all its work without waiting (below).
    if (em?.queryRunner?.isTransactionActive) throw new Error('a rate-limit hit runs outside any transaction');
    const { now, windowMs, windowStart } = this.window(windowSeconds);
    const rows = await prepared<{ hits: number }>(
      em ?? this.ds.manager,
      // Its own transaction, committed without waiting for the WAL flush: a counter that may lose the
      // last instants' hits if the database crashes, rather than one more disk flush per request.
      `WITH async AS (SELECT set_config('synchronous_commit', 'off', true))
       INSERT INTO rate_limit_bucket (key, window_start, hits) SELECT $1, $2, 1 FROM async
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
       RETURNING hits`,
      [key, windowStart],
    );
    if (rows[0].hits > limit) throw this.limited(now, windowMs, windowStart);
  }

  /**
   * Takes one unit from each bucket at once, for an attempt whose outcome decides whether it counts:
   * `release` gives the units back (a correct password is not a failure). Counting before the attempt
   * rather than after its failure means concurrent attempts cannot overshoot a limit. When any bucket is
   * spent, nothing is taken and RATE_LIMITED is thrown.
   */
  async reserve(buckets: Array<{ key: string; limit: number }>, windowSeconds: number): Promise<Reservation> {
    const { now, windowMs, windowStart } = this.window(windowSeconds);
    // Rows are locked in key order, here and in `release`: concurrent attempts (some reserving, some
    // giving back) would otherwise lock two buckets in opposite orders and deadlock.
    const keys = buckets.map((b) => b.key).sort();
    const rows: Array<{ key: string; hits: number }> = await this.ds.query(
      `INSERT INTO rate_limit_bucket (key, window_start, hits) SELECT k, $2, 1 FROM unnest($1::text[]) AS k ORDER BY k
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_bucket.hits + 1
       RETURNING key, hits`,
      [keys, windowStart],
    );
    const reservation = { keys, windowStart };
    const limitOf = new Map(buckets.map((b) => [b.key, b.limit]));
    if (rows.some((r) => r.hits > limitOf.get(r.key)!)) {
      await this.release(reservation);
      throw this.limited(now, windowMs, windowStart);
    }
    return reservation;
  }

  /** Gives back what `reserve` took. */
  async release(reservation: Reservation): Promise<void> {
    await this.ds.query(
      `UPDATE rate_limit_bucket b SET hits = b.hits - 1
         FROM (SELECT key FROM rate_limit_bucket WHERE key = ANY($1::text[]) AND window_start = $2 ORDER BY key FOR UPDATE) locked
        WHERE b.key = locked.key AND b.window_start = $2 AND b.hits > 0`,
      [reservation.keys, reservation.windowStart],
    );
  }

  private window(windowSeconds: number) {
    const now = this.clock.now().getTime();
    const windowMs = windowSeconds * 1000;
    return { now, windowMs, windowStart: new Date(Math.floor(now / windowMs) * windowMs) };
  }

  private limited(now: number, windowMs: number, windowStart: Date): DomainError {
    const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000));
    return new DomainError('RATE_LIMITED', { retryAfterSeconds });
  }

  /** Old windows are useless; the scheduler removes them. */
  async purge(before: Date): Promise<void> {
    await this.ds.query('DELETE FROM rate_limit_bucket WHERE window_start < $1', [before]);
  }
}
