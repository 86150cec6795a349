import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The supporters' wall: a page read newest first along the index, and the count from the index alone. */
export class SupportersIndex1796230000001 implements MigrationInterface {
  name = 'SupportersIndex1796230000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "contribution_supporters_idx" ON "contribution" ("campaign_id", "confirmed_at", "id", "status") WHERE confirmed_at IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "contribution_supporters_idx"`);
  }
}
