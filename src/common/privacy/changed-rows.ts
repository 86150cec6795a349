import type { EntityManager } from 'typeorm';
import type { RetentionCount } from './personal-data-holder.js';

/** Runs an UPDATE or DELETE and says how many rows of `table` it changed (pg answers `[rows, count]`). */
export async function changedRows(em: EntityManager, kind: string, table: string, sql: string, params: unknown[]): Promise<RetentionCount> {
  const result: unknown = await em.query(sql, params);
  const rows = Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  return { kind, table, rows };
}
