import type { DataSource } from 'typeorm';

/**
 * Runs `work` for a time slot only on the instance that wins the slot's row: with several
 * instances ticking, a periodic task runs once per slot. The work itself must be idempotent
 * (it reads what is due from the data), so a slot missed during downtime is caught up by the next.
 */
export async function runOncePerSlot(ds: DataSource, task: string, slot: string, at: Date, work: () => Promise<void>): Promise<boolean> {
  const won = await ds.query(`INSERT INTO scheduled_run (task, slot, ran_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING task`, [task, slot, at]);
  if (!won.length) return false;
  await work();
  return true;
}

/** The hour an instant falls in, as a slot name ("2026-04-01T07"). */
export function hourSlot(at: Date): string {
  return at.toISOString().slice(0, 13);
}
