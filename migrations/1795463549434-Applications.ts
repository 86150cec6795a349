import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Applications1795463549434 implements MigrationInterface {
  name = 'Applications1795463549434';

  async up(q: QueryRunner): Promise<void> {
    // Generated from the entities, then reviewed. The call and its applications, internal comments,
    // and the files uploaded with them (kept in PostgreSQL by default).
    await q.query(
      `CREATE TABLE "application" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "applicant_user_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'draft', "screening" text NOT NULL DEFAULT 'pending', "screening_reason" text, "correction_until" TIMESTAMP WITH TIME ZONE, "correction_message" text, "title" text NOT NULL DEFAULT '', "summary" text NOT NULL DEFAULT '', "category" text, "goal_cents" bigint, "commune" text NOT NULL DEFAULT '', "postcode" text NOT NULL DEFAULT '', "applicant_name" text NOT NULL DEFAULT '', "organisation" text NOT NULL DEFAULT '', "email" text NOT NULL DEFAULT '', "phone" text NOT NULL DEFAULT '', "consent" boolean NOT NULL DEFAULT false, "answers" jsonb NOT NULL DEFAULT '{}', "receipt_number" text, "submitted_at" TIMESTAMP WITH TIME ZONE, "idempotency_key" text, "locale" text NOT NULL DEFAULT 'fr', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "application_goal" CHECK (goal_cents IS NULL OR goal_cents >= 0), CONSTRAINT "application_screening" CHECK (screening IN ('pending', 'eligible', 'ineligible')), CONSTRAINT "application_status" CHECK (status IN ('draft', 'submitted', 'withdrawn')), CONSTRAINT "PK_569e0c3e863ebdf5f2408ee1670" PRIMARY KEY ("id"))`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "application_idempotency_key" ON "application"  ("tenant_id", "applicant_user_id", "idempotency_key") WHERE idempotency_key IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX "application_receipt_key" ON "application"  ("tenant_id", "receipt_number") WHERE receipt_number IS NOT NULL`);
    await q.query(`CREATE INDEX "application_tenant_applicant_idx" ON "application"  ("tenant_id", "applicant_user_id") `);
    await q.query(`CREATE INDEX "application_tenant_programme_status_idx" ON "application"  ("tenant_id", "programme_id", "status") `);
    await q.query(
      `CREATE TABLE "application_comment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "application_id" uuid NOT NULL, "author_user_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_989bdab2aaa56cd0de4df26a1b2" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "application_comment_tenant_application_idx" ON "application_comment"  ("tenant_id", "application_id") `);
    await q.query(
      `CREATE TABLE "call" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "text_fr" text NOT NULL DEFAULT '', "text_en" text NOT NULL DEFAULT '', "categories" jsonb NOT NULL DEFAULT '[]', "territory" jsonb NOT NULL DEFAULT '[]', "goal_min_cents" bigint NOT NULL, "goal_max_cents" bigint NOT NULL, "deadline" TIMESTAMP WITH TIME ZONE NOT NULL, "one_per_applicant" boolean NOT NULL DEFAULT true, "allow_edit_after_submit" boolean NOT NULL DEFAULT true, "form" jsonb NOT NULL DEFAULT '[]', "receipt_prefix" text NOT NULL, "receipt_seq" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "call_goal_bounds" CHECK (goal_min_cents >= 0 AND goal_max_cents >= goal_min_cents), CONSTRAINT "PK_2098af0169792a34f9cfdd39c47" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "call_tenant_programme_key" ON "call"  ("tenant_id", "programme_id") `);
    await q.query(
      `CREATE TABLE "stored_file" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "owner_type" text NOT NULL, "owner_id" uuid NOT NULL, "purpose" text NOT NULL, "filename" text NOT NULL, "content_type" text NOT NULL, "size_bytes" integer NOT NULL, "sha256" text NOT NULL, "data" bytea, "storage_key" text, "uploaded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e140967af84027b493a3ff04fbb" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "stored_file_tenant_owner_idx" ON "stored_file"  ("tenant_id", "owner_type", "owner_id") `);
    await q.query(
      `ALTER TABLE "application" ADD CONSTRAINT "application_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "application" ADD CONSTRAINT "application_applicant_fk" FOREIGN KEY ("applicant_user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "application_comment" ADD CONSTRAINT "application_comment_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "call" ADD CONSTRAINT "call_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "stored_file" ADD CONSTRAINT "stored_file_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Full-text search of the screening desk (French and English words alike: the 'simple' parser).
    await q.query(`CREATE INDEX application_search_idx ON "application" USING gin (to_tsvector('simple',
      title || ' ' || summary || ' ' || applicant_name || ' ' || organisation || ' ' || commune || ' ' || coalesce(receipt_number, '')))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX application_search_idx`);
    await q.query(`ALTER TABLE "stored_file" DROP CONSTRAINT "stored_file_tenant_fk"`);
    await q.query(`ALTER TABLE "call" DROP CONSTRAINT "call_programme_fk"`);
    await q.query(`ALTER TABLE "application_comment" DROP CONSTRAINT "application_comment_application_fk"`);
    await q.query(`ALTER TABLE "application" DROP CONSTRAINT "application_applicant_fk"`);
    await q.query(`ALTER TABLE "application" DROP CONSTRAINT "application_programme_fk"`);
    await q.query(`DROP INDEX "public"."stored_file_tenant_owner_idx"`);
    await q.query(`DROP TABLE "stored_file"`);
    await q.query(`DROP INDEX "public"."call_tenant_programme_key"`);
    await q.query(`DROP TABLE "call"`);
    await q.query(`DROP INDEX "public"."application_comment_tenant_application_idx"`);
    await q.query(`DROP TABLE "application_comment"`);
    await q.query(`DROP INDEX "public"."application_tenant_programme_status_idx"`);
    await q.query(`DROP INDEX "public"."application_tenant_applicant_idx"`);
    await q.query(`DROP INDEX "public"."application_receipt_key"`);
    await q.query(`DROP INDEX "public"."application_idempotency_key"`);
    await q.query(`DROP TABLE "application"`);
  }
}
