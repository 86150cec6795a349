import { RateLimiter } from '../../src/auth/rate-limiter.service.js';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { startTestApp, type TestApp } from '../setup/test-app.js';

/**
 * Reservations take a unit from two buckets at once (a password attempt: per IP and per address), and
 * those over the limit give both back at once. Many at the same instant must never deadlock: each
 * either passes or is refused with RATE_LIMITED, and the buckets end at their limit.
 */
describe('rate-limit reservations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { databasePoolSize: 10 } });
  });
  afterAll(() => t.close());

  it('take and give back two buckets concurrently without a deadlock, ending at the limit', async () => {
    const limiter = t.app.get(RateLimiter);
    // A table the size of a busy day's, so that PostgreSQL reads the buckets along their index (in key
    // order), as in production.
    await t.ds.query(`INSERT INTO rate_limit_bucket (key, window_start, hits) SELECT 'filler:' || g, now(), 1 FROM generate_series(1, 20000) g`);
    await t.ds.query('ANALYZE rate_limit_bucket');
    for (let round = 0; round < 10; round++) {
      // Keys whose sorted order is not the order they are given in.
      const buckets = [
        { key: `r${round}:per-ip`, limit: 50 },
        { key: `r${round}:address`, limit: 5 },
      ];
      const outcomes = await Promise.all(
        Array.from({ length: 40 }, () =>
          limiter.reserve(buckets, 60).then(
            () => 'passed',
            (err: unknown) => (err instanceof DomainError ? err.code : String((err as Error).message)),
          ),
        ),
      );
      expect([round, outcomes.filter((o) => o !== 'passed' && o !== 'RATE_LIMITED')]).toEqual([round, []]);
      expect(outcomes.filter((o) => o === 'passed')).toHaveLength(5);
      const rows: Array<{ key: string; hits: number }> = await t.ds.query(`SELECT key, hits FROM rate_limit_bucket WHERE key LIKE $1 ORDER BY key`, [
        `r${round}:%`,
      ]);
      expect(rows).toEqual([
        { key: `r${round}:address`, hits: 5 },
        { key: `r${round}:per-ip`, hits: 5 },
      ]);
    }
  });
});
