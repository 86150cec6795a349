import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A published report is what the council received: its row can never change. New figures are a new
 * version. Only a cascade (the programme deleted) may remove it.
 */
export class ReportSnapshotImmutable1795472000000 implements MigrationInterface {
  name = 'ReportSnapshotImmutable1795472000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE FUNCTION report_snapshot_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'report_snapshot is immutable: publish a new version'; END $$`);
    await q.query(`CREATE TRIGGER report_snapshot_immutable BEFORE UPDATE OR DELETE ON "report_snapshot"
      FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION report_snapshot_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER report_snapshot_immutable ON "report_snapshot"`);
    await q.query(`DROP FUNCTION report_snapshot_refuse_change()`);
  }
}
