import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Runs after OutboxLocaleAnyLanguage, which dropped the fr/en checks.
 * A person's language and an e-mail's are any installed language (nl, and those added later), not
 * only fr or en: the checks keep the shape of a language code; which ones exist is the catalogues'.
 */
export class LocalesAnyLanguage1796150412000 implements MigrationInterface {
  name = 'LocalesAnyLanguage1796150412000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT IF EXISTS "app_user_locale"`);
    await q.query(`ALTER TABLE "app_user" ADD CONSTRAINT "app_user_locale" CHECK (locale IS NULL OR locale ~ '^[a-z]{2,3}$')`);
    await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT IF EXISTS "outbox_message_locale"`);
    await q.query(`ALTER TABLE "outbox_message" ADD CONSTRAINT "outbox_message_locale" CHECK (locale ~ '^[a-z]{2,3}$')`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Back to the state of OutboxLocaleAnyLanguage (no check); its own down restores the fr/en checks.
    await q.query(`ALTER TABLE "outbox_message" DROP CONSTRAINT "outbox_message_locale"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "app_user_locale"`);
  }
}
