import { JoinColumn, ManyToOne, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';

/** Append-only (a trigger in the migration refuses UPDATE and DELETE): who did what, when, and why. */
@Entity('audit_entry')
@Index('audit_entry_tenant_at_idx', ['tenantId', 'at'])
@Index('audit_entry_tenant_subject_idx', ['tenantId', 'subjectType', 'subjectId'])
export class AuditEntry {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'audit_entry_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('timestamptz') at: Date;
  @Column('uuid', { nullable: true }) actorUserId: string | null;
  @Column('text') action: string;
  @Column('text') subjectType: string;
  @Column('text') subjectId: string;
  @Column('jsonb', { default: {} }) data: Record<string, unknown>;
}
