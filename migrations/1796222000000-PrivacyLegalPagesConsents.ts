import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 21, parts 1, 2 and 6 (hand-reviewed). The authority's privacy settings (controller, DPO, host,
 * RGAA status, retention periods), its legal pages as published versions (privacy notice, legal
 * notice, accessibility statement, each call's rules), the optional consents people gave, and on each
 * application the version of the call's rules accepted at submission. New tables and one nullable
 * column: nothing is moved or dropped.
 */
export class PrivacyLegalPagesConsents1796222000000 implements MigrationInterface {
  name = 'PrivacyLegalPagesConsents1796222000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "privacy_settings" ("tenant_id" uuid NOT NULL, "controller_name" text NOT NULL DEFAULT '', "controller_address" text NOT NULL DEFAULT '', "dpo_email" text NOT NULL DEFAULT '', "dpo_address" text NOT NULL DEFAULT '', "publication_director" text NOT NULL DEFAULT '', "host_name" text NOT NULL DEFAULT '', "host_address" text NOT NULL DEFAULT '', "host_contact" text NOT NULL DEFAULT '', "rgaa_status" text NOT NULL DEFAULT 'none', "rgaa_audit_date" date, "retention" jsonb NOT NULL DEFAULT '{}', "updated_at" TIMESTAMP WITH TIME ZONE, "updated_by_user_id" uuid, CONSTRAINT "privacy_settings_rgaa" CHECK (rgaa_status IN ('full', 'partial', 'none')), CONSTRAINT "PK_a3a91d9aec17ba23c857da3108e" PRIMARY KEY ("tenant_id"))`,
    );
    await q.query(
      `CREATE TABLE "legal_page" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "kind" text NOT NULL, "programme_id" uuid, "scope_key" text NOT NULL DEFAULT '', "version" integer NOT NULL, "body" jsonb NOT NULL DEFAULT '{}', "published_at" TIMESTAMP WITH TIME ZONE NOT NULL, "published_by" uuid, CONSTRAINT "legal_page_version_positive" CHECK (version > 0), CONSTRAINT "legal_page_programme" CHECK ((kind = 'call_rules') = (programme_id IS NOT NULL)), CONSTRAINT "legal_page_kind" CHECK (kind IN ('privacy', 'legal_notice', 'accessibility', 'call_rules')), CONSTRAINT "PK_9126412ff4df6ff755a974fe8a7" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "legal_page_version_key" ON "legal_page"  ("tenant_id", "kind", "scope_key", "version") `);
    await q.query(
      `CREATE TABLE "consent" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "user_id" uuid, "email_key" text NOT NULL, "purpose" text NOT NULL, "programme_id" uuid, "campaign_id" uuid, "text_version" text NOT NULL, "given_at" TIMESTAMP WITH TIME ZONE NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "source" text NOT NULL, CONSTRAINT "consent_withdrawn_after" CHECK (withdrawn_at IS NULL OR withdrawn_at >= given_at), CONSTRAINT "consent_purpose" CHECK (purpose IN ('authority_news', 'partner_contact', 'campaign_news')), CONSTRAINT "PK_9115e8d6b082d4fc46d56134d29" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE INDEX "consent_user_idx" ON "consent"  ("tenant_id", "user_id") `);
    await q.query(`CREATE INDEX "consent_subject_idx" ON "consent"  ("tenant_id", "email_key", "purpose") `);
    await q.query(`ALTER TABLE "application" ADD "accepted_rules_version" integer`);
    await q.query(
      `ALTER TABLE "privacy_settings" ADD CONSTRAINT "privacy_settings_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "legal_page" ADD CONSTRAINT "legal_page_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "consent" ADD CONSTRAINT "consent_tenant_fk" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "consent" DROP CONSTRAINT "consent_tenant_fk"`);
    await q.query(`ALTER TABLE "legal_page" DROP CONSTRAINT "legal_page_tenant_fk"`);
    await q.query(`ALTER TABLE "privacy_settings" DROP CONSTRAINT "privacy_settings_tenant_fk"`);
    await q.query(`ALTER TABLE "application" DROP COLUMN "accepted_rules_version"`);
    await q.query(`DROP INDEX "public"."consent_subject_idx"`);
    await q.query(`DROP INDEX "public"."consent_user_idx"`);
    await q.query(`DROP TABLE "consent"`);
    await q.query(`DROP INDEX "public"."legal_page_version_key"`);
    await q.query(`DROP TABLE "legal_page"`);
    await q.query(`DROP TABLE "privacy_settings"`);
  }
}
