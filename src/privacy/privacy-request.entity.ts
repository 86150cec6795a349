import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';
import type { RetentionCount } from '../common/privacy/personal-data-holder.js';

export type PrivacyRequestKind = 'export' | 'erasure';
export type PrivacyRequestStatus = 'awaiting_confirmation' | 'open' | 'done' | 'refused';

/**
 * A person's request to get (art. 15, 20) or erase (art. 17) their data. One made through an e-mailed
 * link waits for the link to be opened; the authority must answer within a month (`dueAt`).
 */
@Entity('privacy_request')
@Index('privacy_request_tenant_status_idx', ['tenantId', 'status', 'dueAt'])
@Index('privacy_request_token_key', ['tokenHash'], { unique: true, where: 'token_hash IS NOT NULL' })
@Check('privacy_request_kind', `kind IN ('export', 'erasure')`)
@Check('privacy_request_status', `status IN ('awaiting_confirmation', 'open', 'done', 'refused')`)
export class PrivacyRequest {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'privacy_request_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') kind: PrivacyRequestKind;
  /** The address the request is for, lower-cased; replaced by the pseudonym's address once erased. */
  @Column('text') emailKey: string;
  @Column('uuid', { nullable: true }) userId: string | null;
  @Column('text') status: PrivacyRequestStatus;
  /** How it came: `account` (signed in), `link` (e-mailed link), `staff` (recorded by staff for a letter). */
  @Column('text') source: string;
  @Column('text', { nullable: true }) tokenHash: string | null;
  @Column('timestamptz', { nullable: true }) tokenExpiresAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) requestedAt: Date;
  @Column('timestamptz') dueAt: Date;
  @Column('timestamptz', { nullable: true }) handledAt: Date | null;
  @Column('uuid', { nullable: true }) handledBy: string | null;
  /** Why it was refused, in staff's words (sent to the person). */
  @Column('text', { nullable: true }) refusal: string | null;
  @Column('text', { nullable: true }) pseudonym: string | null;
  @Column('jsonb', { nullable: true }) counts: RetentionCount[] | null;
}

/** One retention pass of an authority (a dry run is a preview and changes nothing). */
@Entity('retention_run')
@Index('retention_run_tenant_idx', ['tenantId', 'ranAt'])
export class RetentionRun {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'retention_run_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('timestamptz') ranAt: Date;
  @Column('boolean') dryRun: boolean;
  @Column('jsonb') periods: Record<string, number>;
  @Column('jsonb') counts: RetentionCount[];
  @Column('uuid', { nullable: true }) actorUserId: string | null;
}
