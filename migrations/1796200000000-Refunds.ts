import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refunds through the payment provider port (issue 18): one `refund` row per contribution owed back,
 * asked of its provider by the scheduled refund job with back-off, and the webhook provider's refund URL
 * in an authority's payment settings. Every contribution already `refund_due` gets its refund request,
 * to be asked at once (providers are asked idempotently: Stripe's refund was keyed by the contribution).
 */
export class Refunds1796200000000 implements MigrationInterface {
  name = 'Refunds1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "refund" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "contribution_id" uuid NOT NULL, "provider" text NOT NULL, "state" text NOT NULL DEFAULT 'requested', "cause" text NOT NULL, "note" text NOT NULL DEFAULT '', "reason" text, "detail" text, "attempts" integer NOT NULL DEFAULT '0', "round" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE, "asked_at" TIMESTAMP WITH TIME ZONE, "provider_ref" text, "confirmed_at" TIMESTAMP WITH TIME ZONE, "requested_by_user_id" uuid, "confirmed_by_user_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "refund_attempts" CHECK (attempts >= 0 AND round >= 0), CONSTRAINT "refund_cause" CHECK (cause IN ('settlement', 'amount_mismatch', 'late_payment', 'staff')), CONSTRAINT "refund_state" CHECK (state IN ('requested', 'failed', 'confirmed')), CONSTRAINT "PK_f1cefa2e60d99b206c46c1116e5" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "refund_due_idx" ON "refund"  ("next_attempt_at") WHERE state <> 'confirmed' AND next_attempt_at IS NOT NULL`);
    await q.query(`CREATE INDEX "refund_tenant_programme_state_idx" ON "refund"  ("tenant_id", "programme_id", "state") `);
    await q.query(`CREATE UNIQUE INDEX "refund_contribution_key" ON "refund"  ("contribution_id") `);
    await q.query(`ALTER TABLE "payment_settings" ADD "refund_url" text`);
    await q.query(
      `ALTER TABLE "refund" ADD CONSTRAINT "refund_contribution_fk" FOREIGN KEY ("contribution_id") REFERENCES "contribution"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Nothing owed back is left without a refund request. Before, a contribution's ended_at marked the
    // refund as asked; each is asked again once (same idempotency key: Stripe answers the same refund).
    await q.query(
      `INSERT INTO "refund" (tenant_id, programme_id, campaign_id, contribution_id, provider, state, cause, next_attempt_at)
       SELECT tenant_id, programme_id, campaign_id, id, provider, 'requested', 'settlement', now() FROM "contribution" WHERE status = 'refund_due'
       ON CONFLICT (contribution_id) DO NOTHING`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "refund" DROP CONSTRAINT "refund_contribution_fk"`);
    await q.query(`ALTER TABLE "payment_settings" DROP COLUMN "refund_url"`);
    await q.query(`DROP INDEX "public"."refund_contribution_key"`);
    await q.query(`DROP INDEX "public"."refund_tenant_programme_state_idx"`);
    await q.query(`DROP INDEX "public"."refund_due_idx"`);
    // Going back: refunds still due stay `refund_due` on their contributions (asked again by the old job).
    await q.query(`UPDATE "contribution" SET ended_at = NULL WHERE status = 'refund_due'`);
    await q.query(`DROP TABLE "refund"`);
  }
}
