import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, part 5 (hand-written, checked by the schema test). Unsubscribe from bulk e-mails: the
 * addresses that left a stream (`email_suppression`, personal data), and on each outbox row the stream
 * and scope it was queued in, with a `suppressed` status for a bulk e-mail not sent because of it.
 * E-mails still waiting to be sent get the stream of their template (as domain/email-streams.ts says
 * today), so they leave with their unsubscribe link; a waiting campaign update names no campaign on its
 * row, so it is sent as before, without one.
 */
export class EmailSuppression1796220000000 implements MigrationInterface {
  name = 'EmailSuppression1796220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "email_suppression" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "email_key" text NOT NULL, "stream" text NOT NULL, "scope_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7c01fd4660a34be4ff82d235f72" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "email_suppression_scope_key" ON "email_suppression"  ("tenant_id", "email_key", "stream", "scope_id") WHERE scope_id IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX "email_suppression_stream_key" ON "email_suppression"  ("tenant_id", "email_key", "stream") WHERE scope_id IS NULL`);
    await q.query(
      `ALTER TABLE "email_suppression" ADD CONSTRAINT "email_suppression_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(`ALTER TABLE "outbox_message" ADD "stream" text`);
    await q.query(`ALTER TABLE "outbox_message" ADD "scope_id" uuid`);
    await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT "outbox_message_status"`);
    await q.query(
      `ALTER TABLE "outbox_message" ADD CONSTRAINT "outbox_message_status" CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'suppressed'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Going back, a suppressed row reads as a failed one (it was not sent, and will not be).
    await q.query(`UPDATE "outbox_message" SET status = 'failed', last_error = 'unsubscribed' WHERE status = 'suppressed'`);
    await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT "outbox_message_status"`);
    await q.query(`ALTER TABLE "outbox_message" ADD CONSTRAINT "outbox_message_status" CHECK (status IN ('pending', 'sending', 'sent', 'failed'))`);
    await q.query(`ALTER TABLE "outbox_message" DROP COLUMN "scope_id"`);
    await q.query(`ALTER TABLE "outbox_message" DROP COLUMN "stream"`);
    await q.query(`ALTER TABLE "email_suppression" DROP CONSTRAINT "email_suppression_tenant_fk"`);
    await q.query(`DROP INDEX "public"."email_suppression_stream_key"`);
    await q.query(`DROP INDEX "public"."email_suppression_scope_key"`);
    await q.query(`DROP TABLE "email_suppression"`);
  }
}
