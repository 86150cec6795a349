import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 19, point 4: coaching sessions.
 *
 * `coaching_session`: one row per session of a programme's plan as invited by e-mail (the iCalendar
 * SEQUENCE, which grows with each change so calendars replace the event, what was last sent, and when
 * it was cancelled). Nothing is created here: the next schedule run invites the sessions still to come.
 *
 * `coaching_milestone.attendance` (+ who recorded it, when): present / absent / excused per laureate.
 * The coach's "attended" validation of a session before this change is moved, not lost: a validated
 * session becomes `present`, recorded by its reviewer at its review time.
 */
export class CoachingSessionsAttendance1796205000000 implements MigrationInterface {
  name = 'CoachingSessionsAttendance1796205000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "coaching_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "programme_id" uuid NOT NULL, "milestone_key" text NOT NULL, "sequence" integer NOT NULL DEFAULT '0', "snapshot" jsonb, "cancelled_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "coaching_session_sequence" CHECK (sequence >= 0), CONSTRAINT "PK_1b4a27193b1962c0b494b1234d5" PRIMARY KEY ("id"))`,
    );
    await q.query(`CREATE UNIQUE INDEX "coaching_session_key" ON "coaching_session"  ("tenant_id", "programme_id", "milestone_key") `);
    await q.query(`ALTER TABLE "coaching_milestone" ADD "attendance" text`);
    await q.query(`ALTER TABLE "coaching_milestone" ADD "attendance_recorded_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "coaching_milestone" ADD "attendance_recorded_by" uuid`);
    await q.query(
      `UPDATE coaching_milestone SET attendance = 'present', attendance_recorded_at = reviewed_at, attendance_recorded_by = reviewed_by
       WHERE kind = 'session' AND status = 'validated'`,
    );
    await q.query(
      `ALTER TABLE "coaching_milestone" ADD CONSTRAINT "coaching_milestone_attendance" CHECK (attendance IS NULL OR (kind = 'session' AND attendance IN ('present', 'absent', 'excused')))`,
    );
    await q.query(
      `ALTER TABLE "coaching_session" ADD CONSTRAINT "coaching_session_programme_fk" FOREIGN KEY ("programme_id") REFERENCES "programme"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "coaching_session" DROP CONSTRAINT "coaching_session_programme_fk"`);
    await q.query(`ALTER TABLE "coaching_milestone" DROP CONSTRAINT "coaching_milestone_attendance"`);
    // A session marked present stays validated (its status); absent and excused were pending anyway.
    await q.query(`ALTER TABLE "coaching_milestone" DROP COLUMN "attendance_recorded_by"`);
    await q.query(`ALTER TABLE "coaching_milestone" DROP COLUMN "attendance_recorded_at"`);
    await q.query(`ALTER TABLE "coaching_milestone" DROP COLUMN "attendance"`);
    await q.query(`DROP INDEX "public"."coaching_session_key"`);
    await q.query(`DROP TABLE "coaching_session"`);
  }
}
