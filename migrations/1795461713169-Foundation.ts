import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class Foundation1795461713169 implements MigrationInterface {
  name = 'Foundation1795461713169';

  async up(q: QueryRunner): Promise<void> {
    // Generated from the entities, then reviewed: names are ours, every tenant-owned index starts with
    // tenant_id, and the rules below are enforced by the database as well as by the code.
    await q.query(
      `CREATE TABLE "tenant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "slug" text NOT NULL, "name" text NOT NULL, "logo_url" text, "primary_color" text NOT NULL DEFAULT '#1f4e9c', "accent_color" text NOT NULL DEFAULT '#b3541e', "sender_name" text NOT NULL, "sender_email" text NOT NULL, "default_locale" text NOT NULL DEFAULT 'fr', "time_zone" text NOT NULL DEFAULT 'Europe/Paris', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "tenant_colours" CHECK (primary_color ~ '^#[0-9a-f]{6}$' AND accent_color ~ '^#[0-9a-f]{6}$'), CONSTRAINT "tenant_default_locale" CHECK (default_locale IN ('fr', 'en')), CONSTRAINT "tenant_slug_format" CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'), CONSTRAINT "PK_da8c6efd67bb301e810e56ac139" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "tenant_slug_key" ON "tenant"  ("slug") `);
    await q.query(
      `CREATE TABLE "tenant_host" ("host" text NOT NULL, "tenant_id" uuid NOT NULL, CONSTRAINT "PK_7b827a2197eafc060130b5c6e72" PRIMARY KEY ("host"))`,
    );
    await q.query(`CREATE INDEX "tenant_host_tenant_idx" ON "tenant_host"  ("tenant_id") `);
    await q.query(
      `CREATE TABLE "audit_entry" ("id" BIGSERIAL NOT NULL, "tenant_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "actor_user_id" uuid, "action" text NOT NULL, "subject_type" text NOT NULL, "subject_id" text NOT NULL, "data" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_58a130a4b9da189f46ba2a01801" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "audit_entry_tenant_subject_idx" ON "audit_entry"  ("tenant_id", "subject_type", "subject_id") `);
    await q.query(`CREATE INDEX "audit_entry_tenant_at_idx" ON "audit_entry"  ("tenant_id", "at") `);
    await q.query(
      `CREATE TABLE "programme" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "slug" text NOT NULL, "title_fr" text NOT NULL, "title_en" text NOT NULL, "summary_fr" text NOT NULL DEFAULT '', "summary_en" text NOT NULL DEFAULT '', "phase" text NOT NULL DEFAULT 'draft', "phase_changed_at" TIMESTAMP WITH TIME ZONE, "timeline" jsonb NOT NULL DEFAULT '{}', "next_transition_at" TIMESTAMP WITH TIME ZONE, "blocked_reasons" jsonb, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "programme_slug_format" CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,80}$'), CONSTRAINT "programme_phase" CHECK (phase IN ('draft', 'call_open', 'screening', 'jury', 'announced', 'coaching', 'communication', 'campaign', 'settlement', 'results')), CONSTRAINT "PK_76ff6b30b74f213944d1ac0a660" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "programme_next_transition_idx" ON "programme"  ("next_transition_at") WHERE next_transition_at IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "programme_tenant_slug_key" ON "programme"  ("tenant_id", "slug") `);
    await q.query(
      `CREATE TABLE "phase_transition" ("id" BIGSERIAL NOT NULL, "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "from_phase" text NOT NULL, "to_phase" text NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "trigger" text NOT NULL, "actor_user_id" uuid, "reason" text, CONSTRAINT "PK_1c4f1a13778deba428cebb0e4d0" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "phase_transition_tenant_programme_idx" ON "phase_transition"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "phase_transition_once_key" ON "phase_transition"  ("programme_id", "to_phase") `);
    await q.query(
      `CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "email" text NOT NULL, "display_name" text NOT NULL, "password_hash" text, "locale" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "app_user_locale" CHECK (locale IS NULL OR locale IN ('fr', 'en')), CONSTRAINT "app_user_email_lower" CHECK (email = lower(email)), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "app_user_tenant_email_key" ON "app_user"  ("tenant_id", "email") `);
    await q.query(
      `CREATE TABLE "role_grant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "role" text NOT NULL, "programme_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "role_grant_role" CHECK (role IN ('platform_admin', 'staff', 'juror', 'coach', 'partner', 'applicant')), CONSTRAINT "PK_b9e50aafa723c536731c38529fb" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "role_grant_programme_key" ON "role_grant"  ("user_id", "role", "programme_id") WHERE programme_id IS NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX "role_grant_wide_key" ON "role_grant"  ("user_id", "role") WHERE programme_id IS NULL`);
    await q.query(`CREATE INDEX "role_grant_tenant_user_idx" ON "role_grant"  ("tenant_id", "user_id") `);
    await q.query(
      `CREATE TABLE "web_session" ("token_hash" text NOT NULL, "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_6b31e2dd0663686ae0534a20618" PRIMARY KEY ("token_hash"))`,
    );
    await q.query(`CREATE INDEX "web_session_tenant_user_idx" ON "web_session"  ("tenant_id", "user_id") `);
    await q.query(`CREATE INDEX "web_session_expires_idx" ON "web_session"  ("expires_at") `);
    await q.query(
      `CREATE TABLE "sign_in_link" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "redirect_to" text, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2e37c859be8a656fef206f62b27" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "sign_in_link_tenant_user_idx" ON "sign_in_link"  ("tenant_id", "user_id") `);
    await q.query(`CREATE UNIQUE INDEX "sign_in_link_token_key" ON "sign_in_link"  ("token_hash") `);
    await q.query(
      `CREATE TABLE "api_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "token_hash" text NOT NULL, "name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_d862311c568d175c26f41bc6f98" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "api_token_tenant_user_idx" ON "api_token"  ("tenant_id", "user_id") `);
    await q.query(`CREATE UNIQUE INDEX "api_token_token_key" ON "api_token"  ("token_hash") `);
    await q.query(
      `CREATE TABLE "rate_limit_bucket" ("key" text NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "hits" integer NOT NULL, CONSTRAINT "PK_297f92caac7bd103dfaf6d95490" PRIMARY KEY ("key", "window_start"))`,
    );
    await q.query(`CREATE INDEX "rate_limit_bucket_window_idx" ON "rate_limit_bucket"  ("window_start") `);
    await q.query(
      `CREATE TABLE "scheduled_run" ("task" text NOT NULL, "slot" text NOT NULL, "ran_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_3b673f68fc9379dc83032a2eb41" PRIMARY KEY ("task", "slot"))`,
    );
    await q.query(
      `CREATE TABLE "outbox_message" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "template" text NOT NULL, "locale" text NOT NULL, "to_address" text NOT NULL, "to_name" text, "payload" jsonb NOT NULL DEFAULT '{}', "dedupe_key" text, "status" text NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_error" text, "sent_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "outbox_message_locale" CHECK (locale IN ('fr', 'en')), CONSTRAINT "outbox_message_status" CHECK (status IN ('pending', 'sending', 'sent', 'failed')), CONSTRAINT "PK_2f36ee5236f2793f3e7bd554589" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "outbox_message_tenant_created_idx" ON "outbox_message"  ("tenant_id", "created_at") `);
    await q.query(`CREATE INDEX "outbox_message_due_idx" ON "outbox_message"  ("next_attempt_at") WHERE status IN ('pending', 'sending')`);
    await q.query(`CREATE UNIQUE INDEX "outbox_message_dedupe_key" ON "outbox_message"  ("dedupe_key") WHERE dedupe_key IS NOT NULL`);
    await q.query(
      `ALTER TABLE "tenant_host" ADD CONSTRAINT "tenant_host_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "audit_entry" ADD CONSTRAINT "audit_entry_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "programme" ADD CONSTRAINT "programme_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "phase_transition" ADD CONSTRAINT "phase_transition_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "app_user_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "web_session" ADD CONSTRAINT "web_session_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "sign_in_link" ADD CONSTRAINT "sign_in_link_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "api_token" ADD CONSTRAINT "api_token_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "outbox_message" ADD CONSTRAINT "outbox_message_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The audit log is append-only: the database refuses to change or remove an entry.
    await q.query(`CREATE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_entry is append-only'; END $$`);
    await q.query(`CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON "audit_entry"
      FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION audit_entry_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_entry_append_only ON "audit_entry"`);
    await q.query(`DROP FUNCTION audit_entry_refuse_change()`);
    await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT "outbox_message_tenant_fk"`);
    await q.query(`ALTER TABLE "api_token" DROP CONSTRAINT "api_token_user_fk"`);
    await q.query(`ALTER TABLE "sign_in_link" DROP CONSTRAINT "sign_in_link_user_fk"`);
    await q.query(`ALTER TABLE "web_session" DROP CONSTRAINT "web_session_user_fk"`);
    await q.query(`ALTER TABLE "role_grant" DROP CONSTRAINT "role_grant_programme_fk"`);
    await q.query(`ALTER TABLE "role_grant" DROP CONSTRAINT "role_grant_user_fk"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "app_user_tenant_fk"`);
    await q.query(`ALTER TABLE "phase_transition" DROP CONSTRAINT "phase_transition_programme_fk"`);
    await q.query(`ALTER TABLE "programme" DROP CONSTRAINT "programme_tenant_fk"`);
    await q.query(`ALTER TABLE "audit_entry" DROP CONSTRAINT "audit_entry_tenant_fk"`);
    await q.query(`ALTER TABLE "tenant_host" DROP CONSTRAINT "tenant_host_tenant_fk"`);
    await q.query(`DROP INDEX "public"."outbox_message_dedupe_key"`);
    await q.query(`DROP INDEX "public"."outbox_message_due_idx"`);
    await q.query(`DROP INDEX "public"."outbox_message_tenant_created_idx"`);
    await q.query(`DROP TABLE "outbox_message"`);
    await q.query(`DROP TABLE "scheduled_run"`);
    await q.query(`DROP INDEX "public"."rate_limit_bucket_window_idx"`);
    await q.query(`DROP TABLE "rate_limit_bucket"`);
    await q.query(`DROP INDEX "public"."api_token_token_key"`);
    await q.query(`DROP INDEX "public"."api_token_tenant_user_idx"`);
    await q.query(`DROP TABLE "api_token"`);
    await q.query(`DROP INDEX "public"."sign_in_link_token_key"`);
    await q.query(`DROP INDEX "public"."sign_in_link_tenant_user_idx"`);
    await q.query(`DROP TABLE "sign_in_link"`);
    await q.query(`DROP INDEX "public"."web_session_expires_idx"`);
    await q.query(`DROP INDEX "public"."web_session_tenant_user_idx"`);
    await q.query(`DROP TABLE "web_session"`);
    await q.query(`DROP INDEX "public"."role_grant_tenant_user_idx"`);
    await q.query(`DROP INDEX "public"."role_grant_wide_key"`);
    await q.query(`DROP INDEX "public"."role_grant_programme_key"`);
    await q.query(`DROP TABLE "role_grant"`);
    await q.query(`DROP INDEX "public"."app_user_tenant_email_key"`);
    await q.query(`DROP TABLE "app_user"`);
    await q.query(`DROP INDEX "public"."phase_transition_once_key"`);
    await q.query(`DROP INDEX "public"."phase_transition_tenant_programme_idx"`);
    await q.query(`DROP TABLE "phase_transition"`);
    await q.query(`DROP INDEX "public"."programme_tenant_slug_key"`);
    await q.query(`DROP INDEX "public"."programme_next_transition_idx"`);
    await q.query(`DROP TABLE "programme"`);
    await q.query(`DROP INDEX "public"."audit_entry_tenant_at_idx"`);
    await q.query(`DROP INDEX "public"."audit_entry_tenant_subject_idx"`);
    await q.query(`DROP TABLE "audit_entry"`);
    await q.query(`DROP INDEX "public"."tenant_host_tenant_idx"`);
    await q.query(`DROP TABLE "tenant_host"`);
    await q.query(`DROP INDEX "public"."tenant_slug_key"`);
    await q.query(`DROP TABLE "tenant"`);
  }
}
