import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Match-funding taken at commit: a contribution's reserved ratio allocations, inserted with the
 * transaction setting `tremplin.match_take_at_commit` on, decrement their budget in a deferred
 * constraint trigger, inside COMMIT. The budget row (one per partner and programme: every contribution
 * of the programme wants it) is then held from that decrement to the end of the commit only, not
 * across the application's round trips. A budget that no longer holds the amount makes the COMMIT
 * fail with SQLSTATE MB001 (nothing is written); the application then tries again with the budgets
 * locked. Rows inserted without the setting (demo data, the bench's floor) are left alone.
 */
export class MatchTakeAtCommit1796230000000 implements MigrationInterface {
  name = 'MatchTakeAtCommit1796230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION match_allocation_take_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('tremplin.match_take_at_commit', true), '') = 'on' AND NEW.kind = 'ratio' AND NEW.status = 'reserved' THEN
          UPDATE match_budget SET remaining_cents = remaining_cents - NEW.amount_cents WHERE id = NEW.budget_id AND remaining_cents >= NEW.amount_cents;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'match budget % cannot give % cents', NEW.budget_id, NEW.amount_cents USING ERRCODE = 'MB001';
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER match_allocation_take_at_commit AFTER INSERT ON match_allocation
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION match_allocation_take_at_commit()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER match_allocation_take_at_commit ON match_allocation`);
    await q.query(`DROP FUNCTION match_allocation_take_at_commit()`);
  }
}
