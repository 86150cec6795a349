import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The jury capability (issue 4): a jury per programme (method and settings as JSON, frozen when the vote
 * opens), its members, declared conflicts, the assignment, current ballots (scores, favourite picks,
 * ranking positions) and pairwise comparisons, private notes, confirmed outcomes, and an append-only
 * history of ballot changes. Generated from the entities, then reviewed: every index starts with the
 * tenant or with a row id that is itself tenant-scoped; the history gets the same append-only trigger
 * as audit_entry (cascades from a deleted programme still pass, as pg_trigger_depth() > 0 there).
 */
export class Jury1795464941585 implements MigrationInterface {
  name = 'Jury1795464941585';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "jury" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "method" text NOT NULL DEFAULT 'favourites', "settings" jsonb NOT NULL DEFAULT '{}', "status" text NOT NULL DEFAULT 'setup', "application_ids" jsonb NOT NULL DEFAULT '[]', "opened_at" TIMESTAMP WITH TIME ZONE, "closed_at" TIMESTAMP WITH TIME ZONE, "closed_by" text, "confirmed_at" TIMESTAMP WITH TIME ZONE, "announced_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "jury_closed_at" CHECK ((status = 'closed') = (closed_at IS NOT NULL)), CONSTRAINT "jury_open_before_close" CHECK ((status = 'setup') OR (opened_at IS NOT NULL)), CONSTRAINT "jury_status" CHECK (status IN ('setup', 'open', 'closed')), CONSTRAINT "jury_method" CHECK (method IN ('scored_criteria', 'favourites', 'borda', 'pairwise')), CONSTRAINT "PK_cbd6dcfb09e4bdc95b10036bb0f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "jury_programme_key" ON "jury"  ("tenant_id", "programme_id") `);
    await q.query(
      `CREATE TABLE "jury_member" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "user_id" uuid NOT NULL, "display_name" text NOT NULL, "email" text NOT NULL, "organisation" text NOT NULL DEFAULT '', "weight" numeric(8,3) NOT NULL DEFAULT '1', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "jury_member_weight" CHECK (weight > 0), CONSTRAINT "PK_208b3f007785647dfc5a521ac12" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "jury_member_user_key" ON "jury_member"  ("tenant_id", "programme_id", "user_id") `);
    await q.query(
      `CREATE TABLE "jury_conflict" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "member_id" uuid NOT NULL, "application_id" uuid NOT NULL, "reason" text NOT NULL DEFAULT '', "declared_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_efd7fb98a6afc60df9301278ba9" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "jury_conflict_tenant_programme_idx" ON "jury_conflict"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "jury_conflict_pair_key" ON "jury_conflict"  ("member_id", "application_id") `);
    await q.query(
      `CREATE TABLE "jury_assignment" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "member_id" uuid NOT NULL, "application_id" uuid NOT NULL, CONSTRAINT "PK_ab2e461fe1c99d68e2906ee107d" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "jury_assignment_tenant_programme_idx" ON "jury_assignment"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "jury_assignment_pair_key" ON "jury_assignment"  ("member_id", "application_id") `);
    await q.query(
      `CREATE TABLE "jury_ballot" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "member_id" uuid NOT NULL, "application_id" uuid NOT NULL, "scores" jsonb, "picked" boolean NOT NULL DEFAULT false, "rank" integer, "comment" text NOT NULL DEFAULT '', "version" integer NOT NULL DEFAULT '1', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "jury_ballot_version" CHECK (version >= 1), CONSTRAINT "jury_ballot_rank" CHECK (rank IS NULL OR rank >= 1), CONSTRAINT "PK_01cef3532e3546055df79677f0b" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "jury_ballot_tenant_programme_idx" ON "jury_ballot"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "jury_ballot_pair_key" ON "jury_ballot"  ("member_id", "application_id") `);
    await q.query(
      `CREATE TABLE "jury_comparison" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "member_id" uuid NOT NULL, "first_id" uuid NOT NULL, "second_id" uuid NOT NULL, "winner_id" uuid NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "jury_comparison_winner" CHECK (winner_id = first_id OR winner_id = second_id), CONSTRAINT "jury_comparison_order" CHECK (first_id < second_id), CONSTRAINT "PK_a17091aeb4bea896cc4d9cb68fb" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "jury_comparison_tenant_programme_idx" ON "jury_comparison"  ("tenant_id", "programme_id") `);
    await q.query(`CREATE UNIQUE INDEX "jury_comparison_pair_key" ON "jury_comparison"  ("member_id", "first_id", "second_id") `);
    await q.query(
      `CREATE TABLE "jury_ballot_event" ("id" BIGSERIAL NOT NULL, "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "member_id" uuid NOT NULL, "application_id" uuid, "kind" text NOT NULL, "data" jsonb NOT NULL DEFAULT '{}', "at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_59fb719bcd8c2da933606f6c0ab" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "jury_ballot_event_tenant_programme_idx" ON "jury_ballot_event"  ("tenant_id", "programme_id", "at") `);
    await q.query(
      `CREATE TABLE "jury_note" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "member_id" uuid NOT NULL, "application_id" uuid NOT NULL, "body" text NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c7136cddfb416fcd2c8f03530c7" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "jury_note_pair_key" ON "jury_note"  ("member_id", "application_id") `);
    await q.query(
      `CREATE TABLE "jury_outcome" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "application_id" uuid NOT NULL, "status" text NOT NULL, "rank" integer, "waiting_position" integer, "score" double precision, "overridden" boolean NOT NULL DEFAULT false, "confirmed_by" uuid NOT NULL, "confirmed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "jury_outcome_waiting" CHECK ((status = 'waiting') = (waiting_position IS NOT NULL)), CONSTRAINT "jury_outcome_status" CHECK (status IN ('laureate', 'waiting', 'not_selected')), CONSTRAINT "PK_7fe15123122f495ee2ae5ea50df" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "jury_outcome_tenant_programme_idx" ON "jury_outcome"  ("tenant_id", "programme_id", "status") `);
    await q.query(`CREATE UNIQUE INDEX "jury_outcome_application_key" ON "jury_outcome"  ("application_id") `);
    await q.query(
      `ALTER TABLE "jury" ADD CONSTRAINT "jury_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_member" ADD CONSTRAINT "jury_member_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_member" ADD CONSTRAINT "jury_member_user_fk" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_conflict" ADD CONSTRAINT "jury_conflict_member_fk" FOREIGN KEY ("member_id") REFERENCES "jury_member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_conflict" ADD CONSTRAINT "jury_conflict_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_assignment" ADD CONSTRAINT "jury_assignment_member_fk" FOREIGN KEY ("member_id") REFERENCES "jury_member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_assignment" ADD CONSTRAINT "jury_assignment_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_ballot" ADD CONSTRAINT "jury_ballot_member_fk" FOREIGN KEY ("member_id") REFERENCES "jury_member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_ballot" ADD CONSTRAINT "jury_ballot_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_comparison" ADD CONSTRAINT "jury_comparison_member_fk" FOREIGN KEY ("member_id") REFERENCES "jury_member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_ballot_event" ADD CONSTRAINT "jury_ballot_event_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_note" ADD CONSTRAINT "jury_note_member_fk" FOREIGN KEY ("member_id") REFERENCES "jury_member"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_note" ADD CONSTRAINT "jury_note_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_outcome" ADD CONSTRAINT "jury_outcome_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "jury_outcome" ADD CONSTRAINT "jury_outcome_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Ballot history is evidence: no UPDATE or DELETE, except through a cascade.
    await q.query(`CREATE FUNCTION jury_ballot_event_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'jury_ballot_event is append-only'; END $$`);
    await q.query(`CREATE TRIGGER jury_ballot_event_append_only BEFORE UPDATE OR DELETE ON "jury_ballot_event"
      FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION jury_ballot_event_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER jury_ballot_event_append_only ON "jury_ballot_event"`);
    await q.query(`DROP FUNCTION jury_ballot_event_refuse_change()`);
    await q.query(`ALTER TABLE "jury_outcome" DROP CONSTRAINT "jury_outcome_application_fk"`);
    await q.query(`ALTER TABLE "jury_outcome" DROP CONSTRAINT "jury_outcome_programme_fk"`);
    await q.query(`ALTER TABLE "jury_note" DROP CONSTRAINT "jury_note_application_fk"`);
    await q.query(`ALTER TABLE "jury_note" DROP CONSTRAINT "jury_note_member_fk"`);
    await q.query(`ALTER TABLE "jury_ballot_event" DROP CONSTRAINT "jury_ballot_event_programme_fk"`);
    await q.query(`ALTER TABLE "jury_comparison" DROP CONSTRAINT "jury_comparison_member_fk"`);
    await q.query(`ALTER TABLE "jury_ballot" DROP CONSTRAINT "jury_ballot_application_fk"`);
    await q.query(`ALTER TABLE "jury_ballot" DROP CONSTRAINT "jury_ballot_member_fk"`);
    await q.query(`ALTER TABLE "jury_assignment" DROP CONSTRAINT "jury_assignment_application_fk"`);
    await q.query(`ALTER TABLE "jury_assignment" DROP CONSTRAINT "jury_assignment_member_fk"`);
    await q.query(`ALTER TABLE "jury_conflict" DROP CONSTRAINT "jury_conflict_application_fk"`);
    await q.query(`ALTER TABLE "jury_conflict" DROP CONSTRAINT "jury_conflict_member_fk"`);
    await q.query(`ALTER TABLE "jury_member" DROP CONSTRAINT "jury_member_user_fk"`);
    await q.query(`ALTER TABLE "jury_member" DROP CONSTRAINT "jury_member_programme_fk"`);
    await q.query(`ALTER TABLE "jury" DROP CONSTRAINT "jury_programme_fk"`);
    await q.query(`DROP INDEX "public"."jury_outcome_application_key"`);
    await q.query(`DROP INDEX "public"."jury_outcome_tenant_programme_idx"`);
    await q.query(`DROP TABLE "jury_outcome"`);
    await q.query(`DROP INDEX "public"."jury_note_pair_key"`);
    await q.query(`DROP TABLE "jury_note"`);
    await q.query(`DROP INDEX "public"."jury_ballot_event_tenant_programme_idx"`);
    await q.query(`DROP TABLE "jury_ballot_event"`);
    await q.query(`DROP INDEX "public"."jury_comparison_pair_key"`);
    await q.query(`DROP INDEX "public"."jury_comparison_tenant_programme_idx"`);
    await q.query(`DROP TABLE "jury_comparison"`);
    await q.query(`DROP INDEX "public"."jury_ballot_pair_key"`);
    await q.query(`DROP INDEX "public"."jury_ballot_tenant_programme_idx"`);
    await q.query(`DROP TABLE "jury_ballot"`);
    await q.query(`DROP INDEX "public"."jury_assignment_pair_key"`);
    await q.query(`DROP INDEX "public"."jury_assignment_tenant_programme_idx"`);
    await q.query(`DROP TABLE "jury_assignment"`);
    await q.query(`DROP INDEX "public"."jury_conflict_pair_key"`);
    await q.query(`DROP INDEX "public"."jury_conflict_tenant_programme_idx"`);
    await q.query(`DROP TABLE "jury_conflict"`);
    await q.query(`DROP INDEX "public"."jury_member_user_key"`);
    await q.query(`DROP TABLE "jury_member"`);
    await q.query(`DROP INDEX "public"."jury_programme_key"`);
    await q.query(`DROP TABLE "jury"`);
  }
}
