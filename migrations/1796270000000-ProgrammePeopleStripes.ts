import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stripes per programme, as for the match-funding budgets. */
const STRIPES = 16;

/**
 * The programme's distinct contributors kept as a count, so that the results report no longer counts
 * one tally row per person (about 300,000 rows at 1,000,000 contributions).
 *
 * A row trigger on `contribution_tally_programme_person` adds to the count when a person's row starts
 * counting (kept or reached above zero) and takes back when it stops. The count is striped: a
 * connection writes its own stripe (`pg_backend_pid() % 16`), because the stripe's row stays locked
 * until the commit and every first contribution of a person writes it (most of the opening rush).
 * A stripe alone may go negative (a person counted by one connection and taken back by another); the
 * sum of a programme's stripes is the count.
 *
 * The person rows are written only by `contribution_tally_apply`, in the same transaction, so the count
 * moves with them; the table is filled from the person rows with the trigger already in place, under
 * its lock, so no write slips between the two.
 */
export class ProgrammePeopleStripes1796270000000 implements MigrationInterface {
  name = 'ProgrammePeopleStripes1796270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "contribution_tally_programme_stripe" ("programme_id" uuid NOT NULL, "stripe" smallint NOT NULL, "kept_people" integer NOT NULL DEFAULT '0', "reached_people" integer NOT NULL DEFAULT '0',
         CONSTRAINT "PK_d9685684fc106f520be8f6ea531" PRIMARY KEY ("programme_id", "stripe"))`,
    );
    await q.query(`
      CREATE FUNCTION contribution_tally_programme_count(programme uuid, kept int, reached int) RETURNS void LANGUAGE sql AS $fn$
        INSERT INTO contribution_tally_programme_stripe AS s (programme_id, stripe, kept_people, reached_people)
          VALUES (programme, pg_backend_pid() % ${STRIPES}, kept, reached)
          ON CONFLICT (programme_id, stripe) DO UPDATE SET kept_people = s.kept_people + EXCLUDED.kept_people, reached_people = s.reached_people + EXCLUDED.reached_people;
      $fn$`);
    // Written as a taking back of the old row and an adding of the new one, so that a row moved to
    // another programme (no code does it today) is counted right too.
    await q.query(`
      CREATE FUNCTION contribution_tally_programme_people() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        dk int := 0; dr int := 0;
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.programme_id = NEW.programme_id THEN
          dk := (NEW.kept_count > 0)::int - (OLD.kept_count > 0)::int;
          dr := (NEW.reached_count > 0)::int - (OLD.reached_count > 0)::int;
          IF dk <> 0 OR dr <> 0 THEN PERFORM contribution_tally_programme_count(NEW.programme_id, dk, dr); END IF;
          RETURN NULL;
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') AND (OLD.kept_count > 0 OR OLD.reached_count > 0) THEN
          PERFORM contribution_tally_programme_count(OLD.programme_id, -(OLD.kept_count > 0)::int, -(OLD.reached_count > 0)::int);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND (NEW.kept_count > 0 OR NEW.reached_count > 0) THEN
          PERFORM contribution_tally_programme_count(NEW.programme_id, (NEW.kept_count > 0)::int, (NEW.reached_count > 0)::int);
        END IF;
        RETURN NULL;
      END $fn$`);
    await q.query(`CREATE TRIGGER contribution_tally_programme_people AFTER INSERT OR UPDATE OR DELETE ON contribution_tally_programme_person
      FOR EACH ROW EXECUTE FUNCTION contribution_tally_programme_people()`);
    await ProgrammePeopleStripes1796270000000.fill(q);
  }

  /** Fills the empty count from the person rows (also used by the bench, which fills them in bulk). */
  static async fill(q: { query(sql: string): Promise<unknown> }): Promise<void> {
    await q.query(`INSERT INTO contribution_tally_programme_stripe (programme_id, stripe, kept_people, reached_people)
      SELECT programme_id, 0, count(*) FILTER (WHERE kept_count > 0), count(*) FILTER (WHERE reached_count > 0)
        FROM contribution_tally_programme_person GROUP BY 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER contribution_tally_programme_people ON contribution_tally_programme_person`);
    await q.query(`DROP FUNCTION contribution_tally_programme_people()`);
    await q.query(`DROP FUNCTION contribution_tally_programme_count(uuid, int, int)`);
    await q.query(`DROP TABLE "contribution_tally_programme_stripe"`);
  }
}
