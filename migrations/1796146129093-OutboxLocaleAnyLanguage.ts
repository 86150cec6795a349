import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A language is a catalogue plus an authority's setting: the application checks a locale against the
 * installed catalogues, so the database no longer lists 'fr' and 'en' for queued e-mails and people.
 */
export class OutboxLocaleAnyLanguage1796146129093 implements MigrationInterface {
  name = 'OutboxLocaleAnyLanguage1796146129093';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT "outbox_message_locale"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "app_user_locale"`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Rows in a language added since cannot satisfy the old checks: they fall back to French.
    await q.query(`UPDATE "app_user" SET locale = NULL WHERE locale IS NOT NULL AND locale NOT IN ('fr', 'en')`);
    await q.query(`UPDATE "outbox_message" SET locale = 'fr' WHERE locale NOT IN ('fr', 'en')`);
    await q.query(`ALTER TABLE "app_user" ADD CONSTRAINT "app_user_locale" CHECK (locale IS NULL OR locale IN ('fr', 'en'))`);
    await q.query(`ALTER TABLE "outbox_message" ADD CONSTRAINT "outbox_message_locale" CHECK (locale IN ('fr', 'en'))`);
  }
}
