import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19, point 2 (hand-reviewed). A laureate may be withdrawn before the campaign (by staff, or
 * recorded as their own decision) and the next on the waiting list promoted: the outcome gains the
 * `withdrawn` status and who/when/why, and a promotion keeps when and by whom it was made and the
 * waiting position it came from. Existing rows keep their status; nothing is moved or dropped.
 */
export class JuryWaitingListPromotion1796213000000 implements MigrationInterface {
  name = 'JuryWaitingListPromotion1796213000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "jury_outcome" DROP CONSTRAINT "jury_outcome_status"`);
    await q.query(`ALTER TABLE "jury_outcome" ADD CONSTRAINT "jury_outcome_status" CHECK (status IN ('laureate', 'waiting', 'not_selected', 'withdrawn'))`);
    await q.query(`ALTER TABLE "jury_outcome" ADD "withdrawn_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "jury_outcome" ADD "withdrawn_reason" text`);
    await q.query(`ALTER TABLE "jury_outcome" ADD "withdrawn_by" uuid`);
    await q.query(`ALTER TABLE "jury_outcome" ADD "withdrawn_by_laureate" boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE "jury_outcome" ADD "promoted_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "jury_outcome" ADD "promoted_by" uuid`);
    await q.query(`ALTER TABLE "jury_outcome" ADD "promoted_from_position" integer`);
    await q.query(`ALTER TABLE "jury_outcome" ADD CONSTRAINT "jury_outcome_withdrawn" CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "jury_outcome" DROP CONSTRAINT "jury_outcome_withdrawn"`);
    for (const c of ['promoted_from_position', 'promoted_by', 'promoted_at', 'withdrawn_by_laureate', 'withdrawn_by', 'withdrawn_reason', 'withdrawn_at']) {
      await q.query(`ALTER TABLE "jury_outcome" DROP COLUMN "${c}"`);
    }
    await q.query(`ALTER TABLE "jury_outcome" DROP CONSTRAINT "jury_outcome_status"`);
    await q.query(`ALTER TABLE "jury_outcome" ADD CONSTRAINT "jury_outcome_status" CHECK (status IN ('laureate', 'waiting', 'not_selected'))`);
  }
}
