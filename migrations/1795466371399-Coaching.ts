import type { MigrationInterface, QueryRunner } from 'typeorm';
/**
 * Coaching and sponsor partners (issue 5): the programme's coaching plan, each laureate's schedule
 * (coach, muted reminders, calendar-feed token hash) and milestones with their review status; partner
 * profiles and contacts, laureates' needs, the matching (weights, locks, forbidden pairs, last
 * proposal) and the confirmed sponsorships. Reviewed: every index starts with tenant_id or is a
 * globally unique key; CHECKs mirror the domain's statuses.
 */

export class Coaching1795466371399 implements MigrationInterface {
  name = 'Coaching1795466371399';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "coaching_plan" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "milestones" jsonb NOT NULL DEFAULT '[]', "started_at" TIMESTAMP WITH TIME ZONE, "readiness_overridden_at" TIMESTAMP WITH TIME ZONE, "readiness_override_reason" text, "readiness_overridden_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coaching_plan_override" CHECK ((readiness_overridden_at IS NULL) = (readiness_override_reason IS NULL)), CONSTRAINT "PK_14673b095f55caccfb2c2d1ebc4" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "coaching_plan_programme_key" ON "coaching_plan"  ("tenant_id", "programme_id") `);
    await q.query(
      `CREATE TABLE "coaching_laureate" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "application_id" uuid NOT NULL, "user_id" uuid NOT NULL, "coach_user_id" uuid, "reminders_muted" boolean NOT NULL DEFAULT false, "feed_token_hash" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9b59015e07f0fc76a8a512ac0b7" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "coaching_laureate_feed_key" ON "coaching_laureate"  ("feed_token_hash") WHERE feed_token_hash IS NOT NULL`);
    await q.query(`CREATE INDEX "coaching_laureate_tenant_coach_idx" ON "coaching_laureate"  ("tenant_id", "coach_user_id") `);
    await q.query(`CREATE INDEX "coaching_laureate_tenant_user_idx" ON "coaching_laureate"  ("tenant_id", "user_id") `);
    await q.query(`CREATE INDEX "coaching_laureate_tenant_programme_idx" ON "coaching_laureate"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "coaching_laureate_application_key" ON "coaching_laureate"  ("application_id") `);
    await q.query(
      `CREATE TABLE "coaching_milestone" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "laureate_id" uuid NOT NULL, "milestone_key" text NOT NULL, "kind" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "required" boolean NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "duration_minutes" integer, "location" jsonb, "evidence_kind" text, "status" text NOT NULL DEFAULT 'pending', "evidence" jsonb, "submitted_at" TIMESTAMP WITH TIME ZONE, "feedback" text NOT NULL DEFAULT '', "reviewed_at" TIMESTAMP WITH TIME ZONE, "reviewed_by" uuid, "version" integer NOT NULL DEFAULT '1', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coaching_milestone_version" CHECK (version >= 1), CONSTRAINT "coaching_milestone_evidence" CHECK ((kind = 'deliverable') = (evidence_kind IS NOT NULL)), CONSTRAINT "coaching_milestone_status" CHECK (status IN ('pending', 'submitted', 'changes_requested', 'validated')), CONSTRAINT "coaching_milestone_kind" CHECK (kind IN ('session', 'deliverable')), CONSTRAINT "PK_0a215ee1b7d2b4d8b392717039e" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "coaching_milestone_tenant_programme_idx" ON "coaching_milestone"  ("tenant_id", "programme_id", "status") `);
    await q.query(`CREATE UNIQUE INDEX "coaching_milestone_laureate_key" ON "coaching_milestone"  ("laureate_id", "milestone_key") `);
    await q.query(
      `CREATE TABLE "partner" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "name" text NOT NULL, "logo_url" text, "description" text NOT NULL DEFAULT '', "expertise" jsonb NOT NULL DEFAULT '[]', "themes" jsonb NOT NULL DEFAULT '[]', "capacity" integer NOT NULL DEFAULT '1', "match_funding_cents" bigint, "preferences" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "partner_budget" CHECK (match_funding_cents IS NULL OR match_funding_cents >= 0), CONSTRAINT "partner_capacity" CHECK (capacity >= 0), CONSTRAINT "PK_8f34ff11ddd5459eacbfacd48ca" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "partner_programme_name_key" ON "partner"  ("tenant_id", "programme_id", "name") `);
    await q.query(
      `CREATE TABLE "partner_contact" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "partner_id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_80979f1f41c3483b5e2bae4adca" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "partner_contact_tenant_user_idx" ON "partner_contact"  ("tenant_id", "user_id") `);
    await q.query(`CREATE UNIQUE INDEX "partner_contact_key" ON "partner_contact"  ("partner_id", "user_id") `);
    await q.query(
      `CREATE TABLE "laureate_needs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "application_id" uuid NOT NULL, "needs" jsonb NOT NULL DEFAULT '[]', "preferences" jsonb NOT NULL DEFAULT '[]', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8ff28de134323578863c94c8822" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "laureate_needs_tenant_programme_idx" ON "laureate_needs"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "laureate_needs_application_key" ON "laureate_needs"  ("application_id") `);
    await q.query(
      `CREATE TABLE "matching" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "weights" jsonb, "overlap" text NOT NULL DEFAULT 'jaccard', "sponsors_per_laureate" integer NOT NULL DEFAULT '1', "locked" jsonb NOT NULL DEFAULT '[]', "forbidden" jsonb NOT NULL DEFAULT '[]', "result" jsonb, "input_hash" text, "run_at" TIMESTAMP WITH TIME ZONE, "status" text NOT NULL DEFAULT 'draft', "confirmed_at" TIMESTAMP WITH TIME ZONE, "confirmed_by" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "matching_overlap" CHECK (overlap IN ('jaccard', 'count')), CONSTRAINT "matching_sponsors" CHECK (sponsors_per_laureate >= 1), CONSTRAINT "matching_status" CHECK (status IN ('draft', 'confirmed')), CONSTRAINT "PK_8742e3f46179f5e5a5994d8861c" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "matching_programme_key" ON "matching"  ("tenant_id", "programme_id") `);
    await q.query(
      `CREATE TABLE "partner_match" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "partner_id" uuid NOT NULL, "application_id" uuid NOT NULL, "score" double precision NOT NULL, "terms" jsonb NOT NULL DEFAULT '[]', "locked" boolean NOT NULL DEFAULT false, "confirmed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_e45ed990f7f2583a2866fdd5b54" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "partner_match_tenant_programme_idx" ON "partner_match"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "partner_match_pair_key" ON "partner_match"  ("partner_id", "application_id") `);
    await q.query(
      `ALTER TABLE "coaching_plan" ADD CONSTRAINT "coaching_plan_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "coaching_laureate" ADD CONSTRAINT "coaching_laureate_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "coaching_laureate" ADD CONSTRAINT "coaching_laureate_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "coaching_laureate" ADD CONSTRAINT "coaching_laureate_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "coaching_laureate" ADD CONSTRAINT "coaching_laureate_coach_fk" FOREIGN KEY ("coach_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "coaching_milestone" ADD CONSTRAINT "coaching_milestone_laureate_fk" FOREIGN KEY ("laureate_id") REFERENCES "coaching_laureate"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "partner" ADD CONSTRAINT "partner_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "partner_contact" ADD CONSTRAINT "partner_contact_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "partner_contact" ADD CONSTRAINT "partner_contact_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "laureate_needs" ADD CONSTRAINT "laureate_needs_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "matching" ADD CONSTRAINT "matching_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "partner_match" ADD CONSTRAINT "partner_match_partner_fk" FOREIGN KEY ("partner_id") REFERENCES "partner"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "partner_match" ADD CONSTRAINT "partner_match_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "partner_match" DROP CONSTRAINT "partner_match_application_fk"`);
    await q.query(`ALTER TABLE "partner_match" DROP CONSTRAINT "partner_match_partner_fk"`);
    await q.query(`ALTER TABLE "matching" DROP CONSTRAINT "matching_programme_fk"`);
    await q.query(`ALTER TABLE "laureate_needs" DROP CONSTRAINT "laureate_needs_application_fk"`);
    await q.query(`ALTER TABLE "partner_contact" DROP CONSTRAINT "partner_contact_user_fk"`);
    await q.query(`ALTER TABLE "partner_contact" DROP CONSTRAINT "partner_contact_partner_fk"`);
    await q.query(`ALTER TABLE "partner" DROP CONSTRAINT "partner_programme_fk"`);
    await q.query(`ALTER TABLE "coaching_milestone" DROP CONSTRAINT "coaching_milestone_laureate_fk"`);
    await q.query(`ALTER TABLE "coaching_laureate" DROP CONSTRAINT "coaching_laureate_coach_fk"`);
    await q.query(`ALTER TABLE "coaching_laureate" DROP CONSTRAINT "coaching_laureate_user_fk"`);
    await q.query(`ALTER TABLE "coaching_laureate" DROP CONSTRAINT "coaching_laureate_application_fk"`);
    await q.query(`ALTER TABLE "coaching_laureate" DROP CONSTRAINT "coaching_laureate_programme_fk"`);
    await q.query(`ALTER TABLE "coaching_plan" DROP CONSTRAINT "coaching_plan_programme_fk"`);
    await q.query(`DROP INDEX "public"."partner_match_pair_key"`);
    await q.query(`DROP INDEX "public"."partner_match_tenant_programme_idx"`);
    await q.query(`DROP TABLE "partner_match"`);
    await q.query(`DROP INDEX "public"."matching_programme_key"`);
    await q.query(`DROP TABLE "matching"`);
    await q.query(`DROP INDEX "public"."laureate_needs_application_key"`);
    await q.query(`DROP INDEX "public"."laureate_needs_tenant_programme_idx"`);
    await q.query(`DROP TABLE "laureate_needs"`);
    await q.query(`DROP INDEX "public"."partner_contact_key"`);
    await q.query(`DROP INDEX "public"."partner_contact_tenant_user_idx"`);
    await q.query(`DROP TABLE "partner_contact"`);
    await q.query(`DROP INDEX "public"."partner_programme_name_key"`);
    await q.query(`DROP TABLE "partner"`);
    await q.query(`DROP INDEX "public"."coaching_milestone_laureate_key"`);
    await q.query(`DROP INDEX "public"."coaching_milestone_tenant_programme_idx"`);
    await q.query(`DROP TABLE "coaching_milestone"`);
    await q.query(`DROP INDEX "public"."coaching_laureate_application_key"`);
    await q.query(`DROP INDEX "public"."coaching_laureate_tenant_programme_idx"`);
    await q.query(`DROP INDEX "public"."coaching_laureate_tenant_user_idx"`);
    await q.query(`DROP INDEX "public"."coaching_laureate_tenant_coach_idx"`);
    await q.query(`DROP INDEX "public"."coaching_laureate_feed_key"`);
    await q.query(`DROP TABLE "coaching_laureate"`);
    await q.query(`DROP INDEX "public"."coaching_plan_programme_key"`);
    await q.query(`DROP TABLE "coaching_plan"`);
  }
}
