import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Stripes per budget: more than the connections of two instances' pools commit at once, in practice. */
const STRIPES = 16;

/**
 * A partner's budget split into stripes, so that contributions of a whole programme no longer queue
 * on its one row at COMMIT (the row lock was held through the commit's WAL flush: one commit at a time).
 *
 * - `match_budget.pool_cents` (was `remaining_cents`): what is not handed to a stripe yet.
 * - `match_budget_stripe`: up to 16 sub-budgets; a connection takes from its own stripe
 *   (`pg_backend_pid() % 16`), so concurrent commits touch different rows.
 * - What remains of a budget is `match_budget_remaining(id)`: the pool plus its stripes, exact.
 *
 * A stripe short of the amount is refilled from the pool (a slice of it, the pool row held to the
 * commit: rare); when the pool is short too, `match_budget_gather` locks the pool and every stripe in
 * order and folds them back into the pool. Lock order, within a budget: pool, then stripes by number;
 * across budgets, by id (a contribution's shares are taken in id order). The fast path holds one
 * stripe and never waits for the pool of the same budget, so no cycle can form. Rows are locked
 * FOR NO KEY UPDATE: every contribution in flight holds a KEY SHARE lock on its budget's row (the
 * foreign key of its allocation), which FOR UPDATE would wait for, and they for it.
 */
export class MatchBudgetStripes1796250000000 implements MigrationInterface {
  name = 'MatchBudgetStripes1796250000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "match_budget" DROP CONSTRAINT "match_budget_remaining"`);
    await q.query(`ALTER TABLE "match_budget" RENAME COLUMN "remaining_cents" TO "pool_cents"`);
    await q.query(`ALTER TABLE "match_budget" ADD CONSTRAINT "match_budget_pool" CHECK (pool_cents >= 0 AND pool_cents <= total_cents)`);
    await q.query(
      `CREATE TABLE "match_budget_stripe" ("budget_id" uuid NOT NULL, "stripe" smallint NOT NULL, "remaining_cents" bigint NOT NULL DEFAULT '0',
         CONSTRAINT "match_budget_stripe_remaining" CHECK (remaining_cents >= 0), CONSTRAINT "match_budget_stripe_number" CHECK (stripe >= 0 AND stripe < ${STRIPES}),
         CONSTRAINT "match_budget_stripe_pkey" PRIMARY KEY ("budget_id", "stripe"))`,
    );
    await q.query(
      `ALTER TABLE "match_budget_stripe" ADD CONSTRAINT "match_budget_stripe_budget_fk" FOREIGN KEY ("budget_id") REFERENCES "match_budget"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    await q.query(`
      CREATE FUNCTION match_budget_remaining(budget uuid) RETURNS bigint LANGUAGE sql STABLE AS $fn$
        SELECT b.pool_cents + coalesce((SELECT sum(s.remaining_cents) FROM match_budget_stripe s WHERE s.budget_id = b.id), 0)::bigint
          FROM match_budget b WHERE b.id = budget
      $fn$`);

    // Locks the pool and every stripe (in that order) and folds the stripes back into the pool: after
    // it, the pool is what remains, and nothing else can take from the budget until the commit.
    await q.query(`
      CREATE FUNCTION match_budget_gather(budget uuid) RETURNS bigint LANGUAGE plpgsql AS $fn$
      DECLARE
        pool bigint;
        striped bigint;
      BEGIN
        SELECT pool_cents INTO pool FROM match_budget WHERE id = budget FOR NO KEY UPDATE;
        IF NOT FOUND THEN RETURN NULL; END IF;
        SELECT coalesce(sum(remaining_cents), 0) INTO striped FROM (SELECT remaining_cents FROM match_budget_stripe WHERE budget_id = budget ORDER BY stripe FOR NO KEY UPDATE) s;
        IF striped > 0 THEN
          UPDATE match_budget_stripe SET remaining_cents = 0 WHERE budget_id = budget AND remaining_cents > 0;
          UPDATE match_budget SET pool_cents = pool + striped WHERE id = budget;
        END IF;
        RETURN pool + striped;
      END $fn$`);

    // Several budgets gathered one after the other in the order given (the callers give id order).
    await q.query(`
      CREATE FUNCTION match_budgets_gather(budgets uuid[]) RETURNS TABLE (id uuid, remaining bigint) LANGUAGE plpgsql AS $fn$
      DECLARE
        b uuid;
      BEGIN
        FOREACH b IN ARRAY budgets LOOP
          id := b;
          remaining := match_budget_gather(b);
          RETURN NEXT;
        END LOOP;
      END $fn$`);

    // Takes the cents from a budget if it still holds them: from this connection's stripe (one row,
    // held to the commit), else after refilling the stripe from the pool, else after gathering.
    await q.query(`
      CREATE FUNCTION match_budget_take(budget uuid, cents bigint) RETURNS boolean LANGUAGE plpgsql AS $fn$
      DECLARE
        k smallint := pg_backend_pid() % ${STRIPES};
        pool bigint;
        slice bigint;
        striped bigint;
      BEGIN
        UPDATE match_budget_stripe SET remaining_cents = remaining_cents - cents WHERE budget_id = budget AND stripe = k AND remaining_cents >= cents;
        IF FOUND THEN RETURN true; END IF;
        SELECT pool_cents INTO pool FROM match_budget WHERE id = budget FOR NO KEY UPDATE;
        IF NOT FOUND THEN RETURN false; END IF;
        -- A slice of what is left (a sixteenth, at least the amount): refills get rarer as they get larger.
        slice := least(pool, greatest(cents, pool / ${STRIPES}));
        IF slice > 0 THEN
          UPDATE match_budget SET pool_cents = pool - slice WHERE id = budget;
          INSERT INTO match_budget_stripe AS s (budget_id, stripe, remaining_cents) VALUES (budget, k, slice)
            ON CONFLICT (budget_id, stripe) DO UPDATE SET remaining_cents = s.remaining_cents + EXCLUDED.remaining_cents
            RETURNING s.remaining_cents INTO striped;
          IF striped >= cents THEN
            UPDATE match_budget_stripe SET remaining_cents = remaining_cents - cents WHERE budget_id = budget AND stripe = k;
            RETURN true;
          END IF;
        END IF;
        -- The pool and this stripe together fall short: what the other stripes hold decides.
        IF match_budget_gather(budget) < cents THEN RETURN false; END IF;
        UPDATE match_budget SET pool_cents = pool_cents - cents WHERE id = budget;
        RETURN true;
      END $fn$`);

    // Gives cents back to a budget through this connection's stripe (the pool row stays free).
    await q.query(`
      CREATE FUNCTION match_budget_give_back(budget uuid, cents bigint) RETURNS void LANGUAGE sql AS $fn$
        INSERT INTO match_budget_stripe AS s (budget_id, stripe, remaining_cents) VALUES (budget, pg_backend_pid() % ${STRIPES}, cents)
          ON CONFLICT (budget_id, stripe) DO UPDATE SET remaining_cents = s.remaining_cents + EXCLUDED.remaining_cents
      $fn$`);

    await q.query(`
      CREATE OR REPLACE FUNCTION match_allocation_take_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('tremplin.match_take_at_commit', true), '') = 'on' AND NEW.kind = 'ratio' AND NEW.status = 'reserved' THEN
          IF NOT match_budget_take(NEW.budget_id, NEW.amount_cents) THEN
            RAISE EXCEPTION 'match budget % cannot give % cents', NEW.budget_id, NEW.amount_cents USING ERRCODE = 'MB001';
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION match_allocation_take_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF coalesce(current_setting('tremplin.match_take_at_commit', true), '') = 'on' AND NEW.kind = 'ratio' AND NEW.status = 'reserved' THEN
          UPDATE match_budget SET pool_cents = pool_cents - NEW.amount_cents WHERE id = NEW.budget_id AND pool_cents >= NEW.amount_cents;
          IF NOT FOUND THEN
            RAISE EXCEPTION 'match budget % cannot give % cents', NEW.budget_id, NEW.amount_cents USING ERRCODE = 'MB001';
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`UPDATE match_budget b SET pool_cents = match_budget_remaining(b.id)`);
    await q.query(`DROP FUNCTION match_budget_give_back(uuid, bigint)`);
    await q.query(`DROP FUNCTION match_budget_take(uuid, bigint)`);
    await q.query(`DROP FUNCTION match_budgets_gather(uuid[])`);
    await q.query(`DROP FUNCTION match_budget_gather(uuid)`);
    await q.query(`DROP FUNCTION match_budget_remaining(uuid)`);
    await q.query(`DROP TABLE "match_budget_stripe"`);
    await q.query(`ALTER TABLE "match_budget" DROP CONSTRAINT "match_budget_pool"`);
    await q.query(`ALTER TABLE "match_budget" RENAME COLUMN "pool_cents" TO "remaining_cents"`);
    await q.query(`ALTER TABLE "match_budget" ADD CONSTRAINT "match_budget_remaining" CHECK (remaining_cents >= 0 AND remaining_cents <= total_cents)`);
  }
}
