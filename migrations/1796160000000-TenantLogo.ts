import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An uploaded logo: its renditions (width, height, format, stored file) as one JSONB value. `logo_url` stays. */
export class TenantLogo1796160000000 implements MigrationInterface {
  name = 'TenantLogo1796160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenant" ADD "logo" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenant" DROP COLUMN "logo"`);
  }
}
