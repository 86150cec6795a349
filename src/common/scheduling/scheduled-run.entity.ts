import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which instance ran a periodic task for a time slot: the primary key makes the slot run once. */
@Entity('scheduled_run')
export class ScheduledRun {
  @PrimaryColumn('text') task: string;
  @PrimaryColumn('text') slot: string;
  @Column('timestamptz') ranAt: Date;
}
