import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The supporters' wall: a laureate may hide a contribution's message (the name stays on the wall). */
export class SupporterMessageHidden1796170000000 implements MigrationInterface {
  name = 'SupporterMessageHidden1796170000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "contribution" ADD "message_hidden_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "contribution" DROP COLUMN "message_hidden_at"`);
  }
}
