import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail priorities and the per-authority send rate: the worker claims transactional mail first
 * (by priority, then due time), and counts each authority's other claims of the last minute.
 */
export class OutboxPriorities1795473600000 implements MigrationInterface {
  name = 'OutboxPriorities1795473600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbox_message" ADD "priority" smallint NOT NULL DEFAULT '1'`);
    await q.query(`ALTER TABLE "outbox_message" ADD "claimed_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "outbox_message" ADD CONSTRAINT "outbox_message_priority" CHECK (priority IN (0, 1, 2))`);
    await q.query(`DROP INDEX "public"."outbox_message_due_idx"`);
    await q.query(`CREATE INDEX "outbox_message_due_idx" ON "outbox_message"  ("priority", "next_attempt_at") WHERE status IN ('pending', 'sending')`);
    await q.query(
      `CREATE INDEX "outbox_message_tenant_due_idx" ON "outbox_message"  ("tenant_id", "priority", "next_attempt_at") WHERE status IN ('pending', 'sending')`,
    );
    await q.query(`CREATE INDEX "outbox_message_tenant_claimed_idx" ON "outbox_message"  ("tenant_id", "claimed_at") WHERE priority > 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."outbox_message_tenant_claimed_idx"`);
    await q.query(`DROP INDEX "public"."outbox_message_tenant_due_idx"`);
    await q.query(`DROP INDEX "public"."outbox_message_due_idx"`);
    await q.query(`CREATE INDEX "outbox_message_due_idx" ON "outbox_message"  ("next_attempt_at") WHERE status IN ('pending', 'sending')`);
    await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT "outbox_message_priority"`);
    await q.query(`ALTER TABLE "outbox_message" DROP COLUMN "claimed_at"`);
    await q.query(`ALTER TABLE "outbox_message" DROP COLUMN "priority"`);
  }
}
