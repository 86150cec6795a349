import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each authority's payment provider settings (issue 13, item 4): the checkout page in clear, the webhook
 * secret sealed with AES-256-GCM (key id, IV and tag beside the ciphertext), a previous secret kept
 * during a rotation (valid_until), at most one current value per field.
 */
export class PaymentSettings1796137072527 implements MigrationInterface {
  name = 'PaymentSettings1796137072527';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "payment_settings" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "provider" text NOT NULL, "checkout_url" text, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL, "updated_by_user_id" uuid, CONSTRAINT "payment_settings_provider" CHECK (provider IN ('webhook')), CONSTRAINT "PK_78624861ce2178d6835fb1d9fdf" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "payment_settings_tenant_provider_key" ON "payment_settings"  ("tenant_id", "provider") `);
    await q.query(
      `CREATE TABLE "payment_secret" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "provider" text NOT NULL, "name" text NOT NULL, "key_id" text NOT NULL, "iv" bytea NOT NULL, "auth_tag" bytea NOT NULL, "ciphertext" bytea NOT NULL, "set_at" TIMESTAMP WITH TIME ZONE NOT NULL, "set_by_user_id" uuid, "set_by_role" text NOT NULL, "valid_until" TIMESTAMP WITH TIME ZONE, CONSTRAINT "payment_secret_role" CHECK (set_by_role IN ('staff', 'platform_admin')), CONSTRAINT "payment_secret_sizes" CHECK (octet_length(iv) = 12 AND octet_length(auth_tag) = 16), CONSTRAINT "payment_secret_field" CHECK ((provider, name) IN (('webhook', 'webhook_secret'))), CONSTRAINT "PK_4177b37a744c570be672e79197f" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "payment_secret_tenant_idx" ON "payment_secret"  ("tenant_id", "provider", "name") `);
    await q.query(`CREATE UNIQUE INDEX "payment_secret_current_key" ON "payment_secret"  ("tenant_id", "provider", "name") WHERE valid_until IS NULL`);
    await q.query(
      `ALTER TABLE "payment_settings" ADD CONSTRAINT "payment_settings_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "payment_secret" ADD CONSTRAINT "payment_secret_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "payment_secret" DROP CONSTRAINT "payment_secret_tenant_fk"`);
    await q.query(`ALTER TABLE "payment_settings" DROP CONSTRAINT "payment_settings_tenant_fk"`);
    await q.query(`DROP INDEX "public"."payment_secret_current_key"`);
    await q.query(`DROP INDEX "public"."payment_secret_tenant_idx"`);
    await q.query(`DROP TABLE "payment_secret"`);
    await q.query(`DROP INDEX "public"."payment_settings_tenant_provider_key"`);
    await q.query(`DROP TABLE "payment_settings"`);
  }
}
