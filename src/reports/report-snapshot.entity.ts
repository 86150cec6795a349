import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Programme } from '../programmes/programme.entity.js';

/** A published results report: figures frozen at publication; versions accumulate. */
@Entity('report_snapshot')
@Index('report_snapshot_version_key', ['programmeId', 'version'], { unique: true })
@Index('report_snapshot_tenant_programme_idx', ['tenantId', 'programmeId'])
export class ReportSnapshot {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @ManyToOne(() => Programme, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'programme_id', foreignKeyConstraintName: 'report_snapshot_programme_fk' })
  private programmeRef?: Programme;
  @Column('int') version: number;
  @Column('jsonb') figures: Record<string, unknown>;
  @Column('timestamptz') publishedAt: Date;
  @Column('uuid') publishedBy: string;
}
