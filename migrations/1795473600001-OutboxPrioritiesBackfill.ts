import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail still queued at the upgrade gets its priority from its template, as src/notifications/
 * domain/mail-priority.ts declared it on that day (frozen here: a migration must not change with the
 * code). Sent mail keeps the default; only the queue's order depends on it.
 */
export class OutboxPrioritiesBackfill1795473600001 implements MigrationInterface {
  name = 'OutboxPrioritiesBackfill1795473600001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`UPDATE "outbox_message" SET priority = 0 WHERE status IN ('pending', 'sending') AND template IN (
      'sign-in-link', 'invitation', 'application-received', 'contribution-confirm', 'contribution-confirmed', 'contribution-settled')`);
    await q.query(`UPDATE "outbox_message" SET priority = 2 WHERE status IN ('pending', 'sending') AND template IN (
      'campaign-update', 'campaign-opened', 'campaign-nudge', 'jury-reminder', 'coaching-reminder', 'coaching-digest')`);
  }

  async down(): Promise<void> {
    // Nothing to undo: the previous migration's down drops the column.
  }
}
