import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stripes per programme, as for the match-funding budgets. */
const STRIPES = 16;

/**
 * The programme's distinct contributors kept as a count, so that the results report no longer counts
 * one tally row per person (about 300,000 rows at 1,000,000 contributions).
 *
 * A person's row in `contribution_tally_programme_person` (written only by `contribution_tally_apply`)
 * that starts counting (kept or reached above zero) adds one to the count; one that stops takes one
 * back. Every first contribution of a person changes the count, so it is written the way match-funding
 * is taken: by a deferred constraint trigger, inside COMMIT, into a stripe of the count chosen by the
 * connection (`pg_backend_pid() % 16`). A stripe's row is then held from that write to the end of the
 * commit only: never across the application's round trips, where a long transaction (the close of
 * the window refunding a campaign, an erasure) would hold it while it waits for a campaign's row that
 * a confirmation sharing the stripe holds, and deadlock. A stripe alone may go negative (a person
 * counted by one connection and taken back by another); the sum of a programme's stripes is the count.
 *
 * The table is filled from the person rows with the triggers already in place, under the lock they
 * took, so no write slips between the two.
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
    // Written as a taking back of the old row and an adding of the new one. The triggers' conditions
    // leave out the changes that move no count (a person's second contribution), so no event is queued.
    await q.query(`
      CREATE FUNCTION contribution_tally_programme_people() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          PERFORM contribution_tally_programme_count(OLD.programme_id, -(OLD.kept_count > 0)::int, -(OLD.reached_count > 0)::int);
        END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN
          PERFORM contribution_tally_programme_count(NEW.programme_id, (NEW.kept_count > 0)::int, (NEW.reached_count > 0)::int);
        END IF;
        RETURN NULL;
      END $fn$`);
    const counts = (row: string) => `(${row}.kept_count > 0 OR ${row}.reached_count > 0)`;
    const on = `ON contribution_tally_programme_person DEFERRABLE INITIALLY DEFERRED FOR EACH ROW`;
    await q.query(`CREATE CONSTRAINT TRIGGER contribution_tally_programme_people_insert AFTER INSERT ${on}
      WHEN ${counts('NEW')} EXECUTE FUNCTION contribution_tally_programme_people()`);
    await q.query(`CREATE CONSTRAINT TRIGGER contribution_tally_programme_people_update AFTER UPDATE ${on}
      WHEN ((OLD.kept_count > 0) IS DISTINCT FROM (NEW.kept_count > 0) OR (OLD.reached_count > 0) IS DISTINCT FROM (NEW.reached_count > 0)
        OR OLD.programme_id IS DISTINCT FROM NEW.programme_id) EXECUTE FUNCTION contribution_tally_programme_people()`);
    await q.query(`CREATE CONSTRAINT TRIGGER contribution_tally_programme_people_delete AFTER DELETE ${on}
      WHEN ${counts('OLD')} EXECUTE FUNCTION contribution_tally_programme_people()`);
    await ProgrammePeopleStripes1796270000000.fill(q);
  }

  /** Fills the empty count from the person rows (also used by the bench, which fills them in bulk). */
  static async fill(q: { query(sql: string): Promise<unknown> }): Promise<void> {
    await q.query(`INSERT INTO contribution_tally_programme_stripe (programme_id, stripe, kept_people, reached_people)
      SELECT programme_id, 0, count(*) FILTER (WHERE kept_count > 0), count(*) FILTER (WHERE reached_count > 0)
        FROM contribution_tally_programme_person GROUP BY 1`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const op of ['insert', 'update', 'delete'])
      await q.query(`DROP TRIGGER contribution_tally_programme_people_${op} ON contribution_tally_programme_person`);
    await q.query(`DROP FUNCTION contribution_tally_programme_people()`);
    await q.query(`DROP FUNCTION contribution_tally_programme_count(uuid, int, int)`);
    await q.query(`DROP TABLE "contribution_tally_programme_stripe"`);
  }
}
