import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The Stripe payment provider (issue 18): a programme may collect through `stripe`, and an authority's
 * payment settings hold its sealed Stripe secret key and webhook endpoint secret. Only CHECK
 * constraints widen; no data moves.
 */
export class StripeProvider1796180000000 implements MigrationInterface {
  name = 'StripeProvider1796180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "campaign_settings" DROP CONSTRAINT "campaign_settings_provider"`);
    await q.query(`ALTER TABLE "campaign_settings" ADD CONSTRAINT "campaign_settings_provider" CHECK (payment_provider IN ('pledge', 'webhook', 'stripe'))`);
    await q.query(`ALTER TABLE "payment_settings" DROP CONSTRAINT "payment_settings_provider"`);
    await q.query(`ALTER TABLE "payment_settings" ADD CONSTRAINT "payment_settings_provider" CHECK (provider IN ('webhook', 'stripe'))`);
    await q.query(`ALTER TABLE "payment_secret" DROP CONSTRAINT "payment_secret_field"`);
    await q.query(
      `ALTER TABLE "payment_secret" ADD CONSTRAINT "payment_secret_field" CHECK ((provider, name) IN (('webhook', 'webhook_secret'), ('stripe', 'secret_key'), ('stripe', 'endpoint_secret')))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Going back forgets Stripe: its secrets are deleted and its programmes collect by pledge.
    await q.query(`DELETE FROM "payment_secret" WHERE provider = 'stripe'`);
    await q.query(`DELETE FROM "payment_settings" WHERE provider = 'stripe'`);
    await q.query(`UPDATE "campaign_settings" SET payment_provider = 'pledge' WHERE payment_provider = 'stripe'`);
    await q.query(`ALTER TABLE "payment_secret" DROP CONSTRAINT "payment_secret_field"`);
    await q.query(`ALTER TABLE "payment_secret" ADD CONSTRAINT "payment_secret_field" CHECK ((provider, name) IN (('webhook', 'webhook_secret')))`);
    await q.query(`ALTER TABLE "payment_settings" DROP CONSTRAINT "payment_settings_provider"`);
    await q.query(`ALTER TABLE "payment_settings" ADD CONSTRAINT "payment_settings_provider" CHECK (provider IN ('webhook'))`);
    await q.query(`ALTER TABLE "campaign_settings" DROP CONSTRAINT "campaign_settings_provider"`);
    await q.query(`ALTER TABLE "campaign_settings" ADD CONSTRAINT "campaign_settings_provider" CHECK (payment_provider IN ('pledge', 'webhook'))`);
  }
}
