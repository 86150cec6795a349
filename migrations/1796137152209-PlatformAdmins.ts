import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Installation-wide platform admins and their credentials; an authority can be suspended (issue 13). */
export class PlatformAdmins1796137152209 implements MigrationInterface {
  name = 'PlatformAdmins1796137152209';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "platform_admin" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" text NOT NULL, "display_name" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "platform_admin_email_lower" CHECK (email = lower(email)), CONSTRAINT "PK_29af1cb07abf03cfc9fe63c73bb" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "platform_admin_email_key" ON "platform_admin"  ("email") `);
    await q.query(
      `CREATE TABLE "platform_credential" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "admin_id" uuid NOT NULL, "kind" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "platform_credential_kind" CHECK (kind IN ('link', 'session', 'token')), CONSTRAINT "PK_212da1c3aab2b6d1e1501b32b03" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "platform_credential_admin_idx" ON "platform_credential"  ("admin_id") `);
    await q.query(`CREATE UNIQUE INDEX "platform_credential_token_key" ON "platform_credential"  ("token_hash") `);
    await q.query(`ALTER TABLE "tenant" ADD "suspended_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(
      `ALTER TABLE "platform_credential" ADD CONSTRAINT "platform_credential_admin_fk" FOREIGN KEY ("admin_id") REFERENCES "platform_admin"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "platform_credential" DROP CONSTRAINT "platform_credential_admin_fk"`);
    await q.query(`ALTER TABLE "tenant" DROP COLUMN "suspended_at"`);
    await q.query(`DROP INDEX "public"."platform_credential_token_key"`);
    await q.query(`DROP INDEX "public"."platform_credential_admin_idx"`);
    await q.query(`DROP TABLE "platform_credential"`);
    await q.query(`DROP INDEX "public"."platform_admin_email_key"`);
    await q.query(`DROP TABLE "platform_admin"`);
  }
}
