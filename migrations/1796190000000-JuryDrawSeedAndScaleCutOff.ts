import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19, point 5. `jury.draw_seed`: the seed of the last-resort tie-break draw, drawn when the vote
 * closes (votes already closed get theirs when their results are next computed).
 *
 * The cut-off is now entered in the criteria's scale ("12" on a 0–20 scale) and converted in the
 * domain. A cut-off stored on a z-score jury was a normalised score: it is moved, not dropped, to
 * `settings.cutOffZ`, which the count still honours as a normalised score (so a vote opened with it
 * keeps its results) and which staff replace by a cut-off on the scale at their next save.
 */
export class JuryDrawSeedAndScaleCutOff1796190000000 implements MigrationInterface {
  name = 'JuryDrawSeedAndScaleCutOff1796190000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "jury" ADD "draw_seed" text`);
    await q.query(
      `UPDATE jury SET settings = settings || jsonb_build_object('cutOff', NULL, 'cutOffZ', settings->'cutOff')
       WHERE method = 'scored_criteria' AND settings->>'normalisation' = 'z_score' AND jsonb_typeof(settings->'cutOff') = 'number'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE jury SET settings = (settings - 'cutOffZ') || jsonb_build_object('cutOff', settings->'cutOffZ')
       WHERE jsonb_typeof(settings->'cutOffZ') = 'number'`,
    );
    await q.query(`UPDATE jury SET settings = settings - 'cutOffZ' WHERE settings ? 'cutOffZ'`);
    await q.query(`ALTER TABLE "jury" DROP COLUMN "draw_seed"`);
  }
}
