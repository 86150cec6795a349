import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, type QueryRunner } from 'typeorm';

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/**
 * The one way to run a unit of work. Reuses an outer transaction when given one, and retries the
 * whole unit on deadlock or serialization failure (the work must therefore be free of side effects
 * outside the database: e-mails go through the outbox).
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly ds: DataSource) {}

  /**
   * `before`: a statement that must count whatever the unit's outcome (a rate limit's hit), run once on
   * the same connection just before the transaction begins, outside it: one pool checkout for both.
   */
  async run<T>(
    work: (em: EntityManager) => Promise<T>,
    opts: { outer?: EntityManager; retries?: number; before?: (em: EntityManager) => Promise<void> } = {},
  ): Promise<T> {
    if (opts.outer) return work(opts.outer);
    const retries = opts.retries ?? 3;
    const runner = opts.before ? this.ds.createQueryRunner() : undefined;
    try {
      if (runner && opts.before) {
        await runner.connect();
        await opts.before(runner.manager);
      }
      for (let attempt = 0; ; attempt++) {
        try {
          return runner ? await this.once(runner, work) : await this.ds.transaction(work);
        } catch (err) {
          const code = (err as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (err as { code?: string }).code;
          if (attempt >= retries || !code || !RETRYABLE.has(code)) throw err;
          await new Promise((r) => setTimeout(r, 5 * 2 ** attempt + Math.random() * 10));
        }
      }
    } finally {
      await runner?.release();
    }
  }

  private async once<T>(runner: QueryRunner, work: (em: EntityManager) => Promise<T>): Promise<T> {
    await runner.startTransaction();
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => {});
      throw err;
    }
  }
}

/** PostgreSQL's unique_violation, to turn a constraint into a clear domain error. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string; driverError?: { code?: string; constraint?: string } };
  const code = e.driverError?.code ?? e.code;
  const name = e.driverError?.constraint ?? e.constraint;
  return code === '23505' && (!constraint || name === constraint);
}
