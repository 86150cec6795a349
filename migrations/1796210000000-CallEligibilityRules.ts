import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19, point 1. A call's eligibility rules become data: `rule_modes` says which of the fixed rules
 * (territory, goal, category, one per applicant) only warn (absent: blocking, as before, so every
 * existing call keeps refusing what it refused), and `rules` holds the rules written on the form's
 * questions (field, operator, value, condition, message per language, mode). The fixed rules keep
 * their figures in their own columns (campaigns and exports read them): nothing is moved or dropped.
 */
export class CallEligibilityRules1796210000000 implements MigrationInterface {
  name = 'CallEligibilityRules1796210000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "call" ADD "rule_modes" jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`ALTER TABLE "call" ADD "rules" jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "call" DROP COLUMN "rules"`);
    await q.query(`ALTER TABLE "call" DROP COLUMN "rule_modes"`);
  }
}
