import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21 (hand-reviewed): people's requests to get or erase their data, with the month the authority
 * has to answer, and the history of retention passes. New tables only.
 */
export class PrivacyRequests1796221000000 implements MigrationInterface {
  name = 'PrivacyRequests1796221000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "privacy_request" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "kind" text NOT NULL, "email_key" text NOT NULL, "user_id" uuid, "status" text NOT NULL, "source" text NOT NULL, "token_hash" text, "token_expires_at" TIMESTAMP WITH TIME ZONE, "requested_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "due_at" TIMESTAMP WITH TIME ZONE NOT NULL, "handled_at" TIMESTAMP WITH TIME ZONE, "handled_by" uuid, "refusal" text, "pseudonym" text, "counts" jsonb, CONSTRAINT "privacy_request_status" CHECK (status IN ('awaiting_confirmation', 'open', 'done', 'refused')), CONSTRAINT "privacy_request_kind" CHECK (kind IN ('export', 'erasure')), CONSTRAINT "PK_0f0855b007a744a88b91ef3b7b8" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "privacy_request_token_key" ON "privacy_request"  ("token_hash") WHERE token_hash IS NOT NULL`);
    await q.query(`CREATE INDEX "privacy_request_tenant_status_idx" ON "privacy_request"  ("tenant_id", "status", "due_at") `);
    await q.query(
      `CREATE TABLE "retention_run" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "ran_at" TIMESTAMP WITH TIME ZONE NOT NULL, "dry_run" boolean NOT NULL, "periods" jsonb NOT NULL, "counts" jsonb NOT NULL, "actor_user_id" uuid, CONSTRAINT "PK_6ca0ca7552b6832d70c9c95a57d" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "retention_run_tenant_idx" ON "retention_run"  ("tenant_id", "ran_at") `);
    await q.query(
      `ALTER TABLE "privacy_request" ADD CONSTRAINT "privacy_request_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "retention_run" ADD CONSTRAINT "retention_run_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "retention_run" DROP CONSTRAINT "retention_run_tenant_fk"`);
    await q.query(`ALTER TABLE "privacy_request" DROP CONSTRAINT "privacy_request_tenant_fk"`);
    await q.query(`DROP INDEX "public"."retention_run_tenant_idx"`);
    await q.query(`DROP TABLE "retention_run"`);
    await q.query(`DROP INDEX "public"."privacy_request_tenant_status_idx"`);
    await q.query(`DROP INDEX "public"."privacy_request_token_key"`);
    await q.query(`DROP TABLE "privacy_request"`);
  }
}
