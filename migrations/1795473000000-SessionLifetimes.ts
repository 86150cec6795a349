import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions and API tokens get a non-secret id (to list and end them without showing a hash), a last
 * use, and, for API tokens, an expiry that slides with use. Tokens issued before this migration had no
 * lifetime: they get one of 30 days (the default API_TOKEN_TTL_DAYS) from now, then slide like the others.
 */
export class SessionLifetimes1795473000000 implements MigrationInterface {
  name = 'SessionLifetimes1795473000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "web_session" ADD "id" uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE "web_session" ADD "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    await q.query(`CREATE UNIQUE INDEX "web_session_id_key" ON "web_session"  ("id") `);
    await q.query(`ALTER TABLE "api_token" ADD "last_used_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now()`);
    // The default only fills the rows that exist now; the application always sets expires_at itself.
    await q.query(`ALTER TABLE "api_token" ADD "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now() + interval '30 days'`);
    await q.query(`ALTER TABLE "api_token" ALTER COLUMN "expires_at" DROP DEFAULT`);
    await q.query(`CREATE INDEX "api_token_expires_idx" ON "api_token"  ("expires_at") `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."api_token_expires_idx"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "expires_at"`);
    await q.query(`ALTER TABLE "api_token" DROP COLUMN "last_used_at"`);
    await q.query(`DROP INDEX "public"."web_session_id_key"`);
    await q.query(`ALTER TABLE "web_session" DROP COLUMN "last_used_at"`);
    await q.query(`ALTER TABLE "web_session" DROP COLUMN "id"`);
  }
}
