import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Campaigns1795469579013 implements MigrationInterface {
  name = 'Campaigns1795469579013';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "campaign_settings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "payment_provider" text NOT NULL DEFAULT 'pledge', "settlement_policy" text NOT NULL DEFAULT 'all_or_nothing', "match_counts_toward_goal" boolean NOT NULL DEFAULT true, "pending_grace_hours" integer NOT NULL DEFAULT '72', "match_factor_percent" integer NOT NULL DEFAULT '0', "match_cap_per_contribution_cents" bigint, "match_cap_per_campaign_cents" bigint, "match_max_per_contributor" integer, "match_only_listed_rewards" boolean NOT NULL DEFAULT false, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "campaign_settings_grace" CHECK (pending_grace_hours >= 0), CONSTRAINT "campaign_settings_factor" CHECK (match_factor_percent >= 0 AND match_factor_percent <= 1000), CONSTRAINT "campaign_settings_policy" CHECK (settlement_policy IN ('all_or_nothing', 'keep_it_all')), CONSTRAINT "campaign_settings_provider" CHECK (payment_provider IN ('pledge', 'webhook')), CONSTRAINT "PK_9e945f0ad2c21bb413233e768aa" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "campaign_settings_programme_key" ON "campaign_settings"  ("tenant_id", "programme_id") `);
    await q.query(
      `CREATE TABLE "match_budget" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "partner_id" uuid NOT NULL, "kind" text NOT NULL, "scope" text NOT NULL DEFAULT 'all', "total_cents" bigint NOT NULL, "remaining_cents" bigint NOT NULL, "grant_cents" bigint, "grant_threshold_percent" integer, "grant_min_contributors" integer, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "match_budget_grant" CHECK (kind <> 'grant' OR (grant_cents > 0 AND grant_threshold_percent >= 0 AND grant_min_contributors >= 0)), CONSTRAINT "match_budget_remaining" CHECK (remaining_cents >= 0 AND remaining_cents <= total_cents), CONSTRAINT "match_budget_scope" CHECK (scope IN ('all', 'matched_laureates')), CONSTRAINT "match_budget_kind" CHECK (kind IN ('ratio', 'grant')), CONSTRAINT "PK_9b0da5bfd3daac83d38acbe6574" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "match_budget_tenant_programme_idx" ON "match_budget"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "match_budget_partner_kind_key" ON "match_budget"  ("programme_id", "partner_id", "kind") `);
    await q.query(
      `CREATE TABLE "campaign" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "application_id" uuid NOT NULL, "laureate_user_id" uuid NOT NULL, "slug" text NOT NULL, "title" text NOT NULL, "summary" text NOT NULL DEFAULT '', "story" text NOT NULL DEFAULT '', "image_file_id" uuid, "image_alt" text NOT NULL DEFAULT '', "goal_cents" bigint NOT NULL, "faq" jsonb NOT NULL DEFAULT '[]', "status" text NOT NULL DEFAULT 'draft', "review_comment" text, "submitted_at" TIMESTAMP WITH TIME ZONE, "approved_at" TIMESTAMP WITH TIME ZONE, "approved_by" uuid, "opened_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "settled_at" TIMESTAMP WITH TIME ZONE, "collected_cents" bigint NOT NULL DEFAULT '0', "matched_cents" bigint NOT NULL DEFAULT '0', "contribution_count" integer NOT NULL DEFAULT '0', "contributor_count" integer NOT NULL DEFAULT '0', "page_views" bigint NOT NULL DEFAULT '0', "last_update_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "campaign_totals" CHECK (collected_cents >= 0 AND matched_cents >= 0 AND contribution_count >= 0 AND contributor_count >= 0), CONSTRAINT "campaign_goal" CHECK (goal_cents > 0), CONSTRAINT "campaign_status" CHECK (status IN ('draft', 'in_review', 'changes_requested', 'approved', 'live', 'awaiting_funds', 'funded', 'not_funded')), CONSTRAINT "PK_0ce34d26e7f2eb316a3a592cdc4" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "campaign_tenant_laureate_idx" ON "campaign"  ("tenant_id", "laureate_user_id") `);
    await q.query(`CREATE INDEX "campaign_tenant_programme_status_idx" ON "campaign"  ("tenant_id", "programme_id", "status") `);
    await q.query(`CREATE UNIQUE INDEX "campaign_programme_slug_key" ON "campaign"  ("tenant_id", "programme_id", "slug") `);
    await q.query(`CREATE UNIQUE INDEX "campaign_application_key" ON "campaign"  ("application_id") `);
    await q.query(
      `CREATE TABLE "reward_tier" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "position" integer NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "min_amount_cents" bigint NOT NULL, "quantity" integer, "remaining" integer, "estimated_delivery" text, "match_eligible" boolean NOT NULL DEFAULT true, CONSTRAINT "reward_tier_quantity" CHECK ((quantity IS NULL) = (remaining IS NULL)), CONSTRAINT "reward_tier_stock" CHECK (remaining IS NULL OR (remaining >= 0 AND remaining <= quantity)), CONSTRAINT "reward_tier_minimum" CHECK (min_amount_cents >= 100), CONSTRAINT "PK_ddc1819239434dd8781ad28f5b6" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "reward_tier_campaign_idx" ON "reward_tier"  ("campaign_id", "position") `);
    await q.query(
      `CREATE TABLE "contribution" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "reward_tier_id" uuid, "amount_cents" bigint NOT NULL, "matched_cents" bigint NOT NULL DEFAULT '0', "email" text NOT NULL, "email_key" text NOT NULL, "display_name" text, "anonymous" boolean NOT NULL DEFAULT false, "message" text NOT NULL DEFAULT '', "locale" text NOT NULL DEFAULT 'fr', "status" text NOT NULL DEFAULT 'pending', "provider" text NOT NULL, "provider_ref" text, "idempotency_key" text NOT NULL, "request_hash" text NOT NULL, "confirm_token_hash" text, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "confirmed_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "receipt_number" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "contribution_status" CHECK (status IN ('pending', 'confirmed', 'failed', 'expired', 'refund_due', 'refunded')), CONSTRAINT "contribution_matched" CHECK (matched_cents >= 0), CONSTRAINT "contribution_amount" CHECK (amount_cents >= 100), CONSTRAINT "PK_878330fa5bb34475732a5883d58" PRIMARY KEY ("id"))`,
    );
    // Receipt numbers: a sequence gives unique numbers to concurrent confirmations without a lock.
    await q.query(`CREATE SEQUENCE contribution_receipt_seq`);
    await q.query(`CREATE INDEX "contribution_pending_expiry_idx" ON "contribution"  ("expires_at") WHERE status = 'pending'`);
    await q.query(`CREATE INDEX "contribution_tenant_programme_idx" ON "contribution"  ("tenant_id", "programme_id", "status") `);
    await q.query(`CREATE INDEX "contribution_campaign_status_idx" ON "contribution"  ("campaign_id", "status") `);
    await q.query(`CREATE UNIQUE INDEX "contribution_receipt_key" ON "contribution"  ("tenant_id", "receipt_number") WHERE receipt_number IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "contribution_confirm_token_key" ON "contribution"  ("confirm_token_hash") WHERE confirm_token_hash IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "contribution_provider_ref_key" ON "contribution"  ("provider", "provider_ref") WHERE provider_ref IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "contribution_idempotency_key" ON "contribution"  ("tenant_id", "idempotency_key") `);
    await q.query(
      `CREATE TABLE "match_allocation" ("id" BIGSERIAL NOT NULL, "tenant_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "budget_id" uuid NOT NULL, "contribution_id" uuid, "kind" text NOT NULL, "amount_cents" bigint NOT NULL, "status" text NOT NULL DEFAULT 'reserved', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "match_allocation_status" CHECK (status IN ('reserved', 'confirmed', 'released')), CONSTRAINT "match_allocation_kind" CHECK (kind IN ('ratio', 'grant')), CONSTRAINT "match_allocation_amount" CHECK (amount_cents > 0), CONSTRAINT "PK_9a429d4dc664b4a5892cf1d9052" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "match_allocation_grant_once_key" ON "match_allocation"  ("budget_id", "campaign_id") WHERE kind = 'grant'`);
    await q.query(`CREATE INDEX "match_allocation_campaign_idx" ON "match_allocation"  ("campaign_id", "status") `);
    await q.query(`CREATE INDEX "match_allocation_contribution_idx" ON "match_allocation"  ("contribution_id") `);
    await q.query(
      `CREATE TABLE "campaign_backer" ("id" BIGSERIAL NOT NULL, "campaign_id" uuid NOT NULL, "email_key" text NOT NULL, CONSTRAINT "PK_e37c9661ca5101c7838cb2ffe22" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "campaign_backer_key" ON "campaign_backer"  ("campaign_id", "email_key") `);
    await q.query(
      `CREATE TABLE "campaign_subscriber" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "email" text NOT NULL, "email_key" text NOT NULL, "locale" text NOT NULL DEFAULT 'fr', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e132e9bedbb461b29f90f243f1a" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "campaign_subscriber_key" ON "campaign_subscriber"  ("campaign_id", "email_key") `);
    await q.query(
      `CREATE TABLE "campaign_update" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "campaign_id" uuid NOT NULL, "author_user_id" uuid NOT NULL, "title" text NOT NULL, "body" text NOT NULL, "idempotency_key" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_806c1642c8ab422a7e4015abc75" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "campaign_update_idempotency_key" ON "campaign_update"  ("campaign_id", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX "campaign_update_campaign_idx" ON "campaign_update"  ("campaign_id", "created_at") `);
    await q.query(
      `CREATE TABLE "payment_event" ("id" BIGSERIAL NOT NULL, "tenant_id" uuid NOT NULL, "provider" text NOT NULL, "event_id" text NOT NULL, "type" text NOT NULL, "contribution_id" uuid, "payload" jsonb NOT NULL, "outcome" text NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_7e4a9d66fdf160a9fb9d236150f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "payment_event_once_key" ON "payment_event"  ("tenant_id", "provider", "event_id") `);
    await q.query(
      `CREATE TABLE "report_snapshot" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "version" integer NOT NULL, "figures" jsonb NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_by" uuid NOT NULL, CONSTRAINT "PK_5418c6b00adad99708e32914edf" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "report_snapshot_tenant_programme_idx" ON "report_snapshot"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "report_snapshot_version_key" ON "report_snapshot"  ("programme_id", "version") `);
    await q.query(
      `ALTER TABLE "campaign_settings" ADD CONSTRAINT "campaign_settings_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "match_budget" ADD CONSTRAINT "match_budget_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "match_budget" ADD CONSTRAINT "match_budget_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "campaign" ADD CONSTRAINT "campaign_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "campaign" ADD CONSTRAINT "campaign_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "reward_tier" ADD CONSTRAINT "reward_tier_campaign_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "contribution" ADD CONSTRAINT "contribution_campaign_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "contribution" ADD CONSTRAINT "contribution_reward_tier_fk" FOREIGN KEY ("reward_tier_id") REFERENCES "reward_tier"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "match_allocation" ADD CONSTRAINT "match_allocation_campaign_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "match_allocation" ADD CONSTRAINT "match_allocation_budget_fk" FOREIGN KEY ("budget_id") REFERENCES "match_budget"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "match_allocation" ADD CONSTRAINT "match_allocation_contribution_fk" FOREIGN KEY ("contribution_id") REFERENCES "contribution"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "campaign_backer" ADD CONSTRAINT "campaign_backer_campaign_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "campaign_subscriber" ADD CONSTRAINT "campaign_subscriber_campaign_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "campaign_update" ADD CONSTRAINT "campaign_update_campaign_fk" FOREIGN KEY ("campaign_id") REFERENCES "campaign"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "report_snapshot" ADD CONSTRAINT "report_snapshot_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP SEQUENCE IF EXISTS contribution_receipt_seq`);
    await q.query(`ALTER TABLE "report_snapshot" DROP CONSTRAINT "report_snapshot_programme_fk"`);
    await q.query(`ALTER TABLE "campaign_update" DROP CONSTRAINT "campaign_update_campaign_fk"`);
    await q.query(`ALTER TABLE "campaign_subscriber" DROP CONSTRAINT "campaign_subscriber_campaign_fk"`);
    await q.query(`ALTER TABLE "campaign_backer" DROP CONSTRAINT "campaign_backer_campaign_fk"`);
    await q.query(`ALTER TABLE "match_allocation" DROP CONSTRAINT "match_allocation_contribution_fk"`);
    await q.query(`ALTER TABLE "match_allocation" DROP CONSTRAINT "match_allocation_budget_fk"`);
    await q.query(`ALTER TABLE "match_allocation" DROP CONSTRAINT "match_allocation_campaign_fk"`);
    await q.query(`ALTER TABLE "contribution" DROP CONSTRAINT "contribution_reward_tier_fk"`);
    await q.query(`ALTER TABLE "contribution" DROP CONSTRAINT "contribution_campaign_fk"`);
    await q.query(`ALTER TABLE "reward_tier" DROP CONSTRAINT "reward_tier_campaign_fk"`);
    await q.query(`ALTER TABLE "campaign" DROP CONSTRAINT "campaign_application_fk"`);
    await q.query(`ALTER TABLE "campaign" DROP CONSTRAINT "campaign_programme_fk"`);
    await q.query(`ALTER TABLE "match_budget" DROP CONSTRAINT "match_budget_partner_fk"`);
    await q.query(`ALTER TABLE "match_budget" DROP CONSTRAINT "match_budget_programme_fk"`);
    await q.query(`ALTER TABLE "campaign_settings" DROP CONSTRAINT "campaign_settings_programme_fk"`);
    await q.query(`DROP INDEX "public"."report_snapshot_version_key"`);
    await q.query(`DROP INDEX "public"."report_snapshot_tenant_programme_idx"`);
    await q.query(`DROP TABLE "report_snapshot"`);
    await q.query(`DROP INDEX "public"."payment_event_once_key"`);
    await q.query(`DROP TABLE "payment_event"`);
    await q.query(`DROP INDEX "public"."campaign_update_campaign_idx"`);
    await q.query(`DROP INDEX "public"."campaign_update_idempotency_key"`);
    await q.query(`DROP TABLE "campaign_update"`);
    await q.query(`DROP INDEX "public"."campaign_subscriber_key"`);
    await q.query(`DROP TABLE "campaign_subscriber"`);
    await q.query(`DROP INDEX "public"."campaign_backer_key"`);
    await q.query(`DROP TABLE "campaign_backer"`);
    await q.query(`DROP INDEX "public"."match_allocation_contribution_idx"`);
    await q.query(`DROP INDEX "public"."match_allocation_campaign_idx"`);
    await q.query(`DROP INDEX "public"."match_allocation_grant_once_key"`);
    await q.query(`DROP TABLE "match_allocation"`);
    await q.query(`DROP INDEX "public"."contribution_idempotency_key"`);
    await q.query(`DROP INDEX "public"."contribution_provider_ref_key"`);
    await q.query(`DROP INDEX "public"."contribution_confirm_token_key"`);
    await q.query(`DROP INDEX "public"."contribution_receipt_key"`);
    await q.query(`DROP INDEX "public"."contribution_campaign_status_idx"`);
    await q.query(`DROP INDEX "public"."contribution_tenant_programme_idx"`);
    await q.query(`DROP INDEX "public"."contribution_pending_expiry_idx"`);
    await q.query(`DROP TABLE "contribution"`);
    await q.query(`DROP INDEX "public"."reward_tier_campaign_idx"`);
    await q.query(`DROP TABLE "reward_tier"`);
    await q.query(`DROP INDEX "public"."campaign_application_key"`);
    await q.query(`DROP INDEX "public"."campaign_programme_slug_key"`);
    await q.query(`DROP INDEX "public"."campaign_tenant_programme_status_idx"`);
    await q.query(`DROP INDEX "public"."campaign_tenant_laureate_idx"`);
    await q.query(`DROP TABLE "campaign"`);
    await q.query(`DROP INDEX "public"."match_budget_partner_kind_key"`);
    await q.query(`DROP INDEX "public"."match_budget_tenant_programme_idx"`);
    await q.query(`DROP TABLE "match_budget"`);
    await q.query(`DROP INDEX "public"."campaign_settings_programme_key"`);
    await q.query(`DROP TABLE "campaign_settings"`);
  }
}
