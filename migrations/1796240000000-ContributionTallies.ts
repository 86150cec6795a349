import type { MigrationInterface, QueryRunner } from 'typeorm';

const REACHED = `('confirmed', 'refund_due', 'refunded')`;

/**
 * Tallies of contributions kept by triggers (see contribution-tally.entity.ts), so that the results
 * report no longer reads every contribution: per campaign (money, count, distinct people, kept and
 * reached before refunds), per campaign and local day, and one row per person of the programme. Created, then filled from the contributions in the same transaction: the trigger holds the
 * table's lock, so no write slips between the two.
 */
export class ContributionTallies1796240000000 implements MigrationInterface {
  name = 'ContributionTallies1796240000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "contribution_tally_campaign" ("campaign_id" uuid NOT NULL, "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "kept_cents" bigint NOT NULL DEFAULT '0', "kept_count" integer NOT NULL DEFAULT '0', "kept_people" integer NOT NULL DEFAULT '0', "reached_cents" bigint NOT NULL DEFAULT '0', "reached_count" integer NOT NULL DEFAULT '0', "reached_people" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_466e497001c8c297f1da23c5b1b" PRIMARY KEY ("campaign_id"))`,
    );
    await q.query(`CREATE INDEX "contribution_tally_campaign_programme_idx" ON "contribution_tally_campaign"  ("programme_id") `);
    await q.query(
      `CREATE TABLE "contribution_tally_person" ("campaign_id" uuid NOT NULL, "person_hash" uuid NOT NULL, "kept_count" integer NOT NULL DEFAULT '0', "reached_count" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_9e89a810c91a45f9d71257e89aa" PRIMARY KEY ("campaign_id", "person_hash"))`,
    );
    await q.query(
      `CREATE TABLE "contribution_tally_programme_person" ("programme_id" uuid NOT NULL, "person_hash" uuid NOT NULL, "kept_count" integer NOT NULL DEFAULT '0', "reached_count" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_b31b78c9ebd3b2f8927f11fcc30" PRIMARY KEY ("programme_id", "person_hash"))`,
    );
    await q.query(
      `CREATE TABLE "contribution_tally_day" ("campaign_id" uuid NOT NULL, "time_zone" text NOT NULL, "day" date NOT NULL, "programme_id" uuid NOT NULL, "kept_cents" bigint NOT NULL DEFAULT '0', "kept_count" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_d5589b7e0729a8daba45c5479da" PRIMARY KEY ("campaign_id", "time_zone", "day"))`,
    );
    await q.query(`CREATE INDEX "contribution_tally_day_programme_idx" ON "contribution_tally_day"  ("programme_id", "time_zone") `);
    // One contribution counted (+1) or taken back (-1) in every tally. A person's row tells when they
    // become or stop being a contributor; rows that reach zero are deleted.
    await q.query(`
      CREATE FUNCTION contribution_tally_apply(c contribution, sign int) RETURNS void LANGUAGE plpgsql AS $fn$
      DECLARE
        kept int := CASE WHEN c.status = 'confirmed' THEN sign ELSE 0 END;
        person uuid := md5(c.email_key)::uuid;
        k int; r int; dk int; dr int; zone text; local_day date;
      BEGIN
        IF sign > 0 THEN
          INSERT INTO contribution_tally_person AS t (campaign_id, person_hash, kept_count, reached_count) VALUES (c.campaign_id, person, kept, 1)
            ON CONFLICT (campaign_id, person_hash) DO UPDATE SET kept_count = t.kept_count + EXCLUDED.kept_count, reached_count = t.reached_count + 1
            RETURNING t.kept_count, t.reached_count INTO k, r;
        ELSE
          UPDATE contribution_tally_person t SET kept_count = t.kept_count + kept, reached_count = t.reached_count - 1
           WHERE t.campaign_id = c.campaign_id AND t.person_hash = person RETURNING t.kept_count, t.reached_count INTO k, r;
          IF NOT FOUND THEN RAISE EXCEPTION 'contribution tallies out of step for contribution %', c.id; END IF;
          IF r = 0 THEN DELETE FROM contribution_tally_person t WHERE t.campaign_id = c.campaign_id AND t.person_hash = person; END IF;
        END IF;
        dk := (k > 0)::int - (k - kept > 0)::int;
        dr := (r > 0)::int - (r - sign > 0)::int;
        INSERT INTO contribution_tally_campaign AS t (campaign_id, tenant_id, programme_id, kept_cents, kept_count, kept_people, reached_cents, reached_count, reached_people)
          VALUES (c.campaign_id, c.tenant_id, c.programme_id, kept * c.amount_cents, kept, dk, sign * c.amount_cents, sign, dr)
          ON CONFLICT (campaign_id) DO UPDATE SET kept_cents = t.kept_cents + EXCLUDED.kept_cents, kept_count = t.kept_count + EXCLUDED.kept_count,
            kept_people = t.kept_people + EXCLUDED.kept_people, reached_cents = t.reached_cents + EXCLUDED.reached_cents,
            reached_count = t.reached_count + EXCLUDED.reached_count, reached_people = t.reached_people + EXCLUDED.reached_people;

        IF sign > 0 THEN
          INSERT INTO contribution_tally_programme_person AS t (programme_id, person_hash, kept_count, reached_count) VALUES (c.programme_id, person, kept, 1)
            ON CONFLICT (programme_id, person_hash) DO UPDATE SET kept_count = t.kept_count + EXCLUDED.kept_count, reached_count = t.reached_count + 1
            RETURNING t.kept_count, t.reached_count INTO k, r;
        ELSE
          UPDATE contribution_tally_programme_person t SET kept_count = t.kept_count + kept, reached_count = t.reached_count - 1
           WHERE t.programme_id = c.programme_id AND t.person_hash = person RETURNING t.kept_count, t.reached_count INTO k, r;
          IF NOT FOUND THEN RAISE EXCEPTION 'contribution tallies out of step for contribution %', c.id; END IF;
          IF r = 0 THEN DELETE FROM contribution_tally_programme_person t WHERE t.programme_id = c.programme_id AND t.person_hash = person; END IF;
        END IF;

        SELECT time_zone INTO zone FROM tenant WHERE id = c.tenant_id;
        -- No authority any more (it is being deleted with everything it holds): no day to count.
        IF kept <> 0 AND zone IS NOT NULL THEN
          local_day := (c.confirmed_at AT TIME ZONE zone)::date;
          INSERT INTO contribution_tally_day AS t (campaign_id, time_zone, day, programme_id, kept_cents, kept_count)
            VALUES (c.campaign_id, zone, local_day, c.programme_id, kept * c.amount_cents, kept)
            ON CONFLICT (campaign_id, time_zone, day) DO UPDATE SET kept_cents = t.kept_cents + EXCLUDED.kept_cents, kept_count = t.kept_count + EXCLUDED.kept_count;
          DELETE FROM contribution_tally_day t WHERE t.campaign_id = c.campaign_id AND t.time_zone = zone AND t.day = local_day AND t.kept_count = 0;
        END IF;
      END $fn$`);
    await q.query(`
      CREATE FUNCTION contribution_tally() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.confirmed_at IS NOT NULL AND OLD.status IN ${REACHED} THEN PERFORM contribution_tally_apply(OLD, -1); END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.confirmed_at IS NOT NULL AND NEW.status IN ${REACHED} THEN PERFORM contribution_tally_apply(NEW, 1); END IF;
        RETURN NULL;
      END $fn$`);
    // Pending contributions (the opening rush) skip the function: the conditions are checked first.
    await q.query(`CREATE TRIGGER contribution_tally_insert AFTER INSERT ON contribution FOR EACH ROW
      WHEN (NEW.confirmed_at IS NOT NULL AND NEW.status IN ${REACHED}) EXECUTE FUNCTION contribution_tally()`);
    await q.query(`CREATE TRIGGER contribution_tally_delete AFTER DELETE ON contribution FOR EACH ROW
      WHEN (OLD.confirmed_at IS NOT NULL AND OLD.status IN ${REACHED}) EXECUTE FUNCTION contribution_tally()`);
    await q.query(`CREATE TRIGGER contribution_tally_update AFTER UPDATE OF status, confirmed_at, email_key, amount_cents, campaign_id, programme_id ON contribution
      FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.confirmed_at IS DISTINCT FROM NEW.confirmed_at OR OLD.email_key IS DISTINCT FROM NEW.email_key
        OR OLD.amount_cents IS DISTINCT FROM NEW.amount_cents OR OLD.campaign_id IS DISTINCT FROM NEW.campaign_id OR OLD.programme_id IS DISTINCT FROM NEW.programme_id)
      EXECUTE FUNCTION contribution_tally()`);

    // The days are the authority's: when its time zone changes, its days are counted again.
    await q.query(`
      CREATE FUNCTION contribution_tally_days_of(tenant uuid) RETURNS void LANGUAGE sql AS $fn$
        DELETE FROM contribution_tally_day d USING contribution_tally_campaign t WHERE t.campaign_id = d.campaign_id AND t.tenant_id = tenant;
        INSERT INTO contribution_tally_day (campaign_id, time_zone, day, programme_id, kept_cents, kept_count)
          SELECT x.campaign_id, z.time_zone, (x.confirmed_at AT TIME ZONE z.time_zone)::date, x.programme_id, sum(x.amount_cents), count(*)
            FROM contribution x JOIN tenant z ON z.id = x.tenant_id
           WHERE x.tenant_id = tenant AND x.status = 'confirmed' AND x.confirmed_at IS NOT NULL
           GROUP BY 1, 2, 3, 4;
      $fn$`);
    await q.query(`
      CREATE FUNCTION contribution_tally_time_zone() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN PERFORM contribution_tally_days_of(NEW.id); RETURN NULL; END $fn$`);
    await q.query(`CREATE TRIGGER contribution_tally_time_zone AFTER UPDATE OF time_zone ON tenant FOR EACH ROW
      WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone) EXECUTE FUNCTION contribution_tally_time_zone()`);

    await ContributionTallies1796240000000.fill(q);
  }

  /** Fills empty tallies from what the contributions hold (also used by the tallies' test). */
  static async fill(q: { query(sql: string): Promise<unknown> }): Promise<void> {
    const reached = `FROM contribution x WHERE x.confirmed_at IS NOT NULL AND x.status IN ${REACHED}`;
    await q.query(`INSERT INTO contribution_tally_person (campaign_id, person_hash, kept_count, reached_count)
      SELECT x.campaign_id, md5(x.email_key)::uuid, count(*) FILTER (WHERE x.status = 'confirmed'), count(*) ${reached} GROUP BY 1, 2`);
    await q.query(`INSERT INTO contribution_tally_programme_person (programme_id, person_hash, kept_count, reached_count)
      SELECT x.programme_id, md5(x.email_key)::uuid, count(*) FILTER (WHERE x.status = 'confirmed'), count(*) ${reached} GROUP BY 1, 2`);
    await q.query(`INSERT INTO contribution_tally_campaign (campaign_id, tenant_id, programme_id, kept_cents, kept_count, kept_people, reached_cents, reached_count, reached_people)
      SELECT x.campaign_id, x.tenant_id, x.programme_id, coalesce(sum(x.amount_cents) FILTER (WHERE x.status = 'confirmed'), 0), count(*) FILTER (WHERE x.status = 'confirmed'),
             (SELECT count(*) FROM contribution_tally_person p WHERE p.campaign_id = x.campaign_id AND p.kept_count > 0), sum(x.amount_cents), count(*),
             (SELECT count(*) FROM contribution_tally_person p WHERE p.campaign_id = x.campaign_id)
        ${reached} GROUP BY 1, 2, 3`);
    await q.query(`SELECT contribution_tally_days_of(id) FROM tenant`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER contribution_tally_time_zone ON tenant`);
    await q.query(`DROP TRIGGER contribution_tally_update ON contribution`);
    await q.query(`DROP TRIGGER contribution_tally_delete ON contribution`);
    await q.query(`DROP TRIGGER contribution_tally_insert ON contribution`);
    await q.query(`DROP FUNCTION contribution_tally_time_zone()`);
    await q.query(`DROP FUNCTION contribution_tally_days_of(uuid)`);
    await q.query(`DROP FUNCTION contribution_tally()`);
    await q.query(`DROP FUNCTION contribution_tally_apply(contribution, int)`);
    await q.query(`DROP INDEX "public"."contribution_tally_day_programme_idx"`);
    await q.query(`DROP TABLE "contribution_tally_day"`);
    await q.query(`DROP TABLE "contribution_tally_programme_person"`);
    await q.query(`DROP TABLE "contribution_tally_person"`);
    await q.query(`DROP INDEX "public"."contribution_tally_campaign_programme_idx"`);
    await q.query(`DROP TABLE "contribution_tally_campaign"`);
  }
}
