import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A contact address typed on an application receives nothing until it is confirmed by a link (security review, finding 9). */
export class ApplicationContactEmail1796136446991 implements MigrationInterface {
  name = 'ApplicationContactEmail1796136446991';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "application_contact_email" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "application_id" uuid NOT NULL, "email" text NOT NULL, "token_hash" text NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "confirmed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c6dc939fb89b882e4d3b91eca4a" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "application_contact_email_token_key" ON "application_contact_email"  ("token_hash") `);
    await q.query(`CREATE INDEX "application_contact_email_tenant_application_idx" ON "application_contact_email"  ("tenant_id", "application_id") `);
    await q.query(
      `ALTER TABLE "application_contact_email" ADD CONSTRAINT "application_contact_email_application_fk" FOREIGN KEY ("application_id") REFERENCES "application"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "application_contact_email" DROP CONSTRAINT "application_contact_email_application_fk"`);
    await q.query(`DROP INDEX "public"."application_contact_email_tenant_application_idx"`);
    await q.query(`DROP INDEX "public"."application_contact_email_token_key"`);
    await q.query(`DROP TABLE "application_contact_email"`);
  }
}
