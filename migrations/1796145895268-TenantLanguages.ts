import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TenantLanguages1796145895268 implements MigrationInterface {
  name = 'TenantLanguages1796145895268';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenant" DROP CONSTRAINT "tenant_default_locale"`);
    await q.query(`ALTER TABLE "tenant" ADD "languages" text array NOT NULL DEFAULT '{fr,en}'`);
    await q.query(`ALTER TABLE "tenant" ADD CONSTRAINT "tenant_languages" CHECK (cardinality(languages) >= 1 AND default_locale = ANY (languages))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tenant" DROP CONSTRAINT "tenant_languages"`);
    await q.query(`ALTER TABLE "tenant" DROP COLUMN "languages"`);
    await q.query(`ALTER TABLE "tenant" ADD CONSTRAINT "tenant_default_locale" CHECK ((default_locale = ANY (ARRAY['fr'::text, 'en'::text])))`);
  }
}
