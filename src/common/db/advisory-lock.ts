import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `work` holding a PostgreSQL session advisory lock on its own connection, so that a
 * check-then-create spanning several transactions (seeding, for one) happens once across instances:
 * the others wait, then find the work done.
 */
export async function withSessionLock<T>(ds: DataSource, key: number, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [key]);
    return await work(runner.manager);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => undefined);
    await runner.release();
  }
}
