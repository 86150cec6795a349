import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Contribution } from './campaign.entity.js';
import type { RefundCause, RefundState } from './domain/refunds.js';

/**
 * The refund of one contribution owed back (see domain/refunds.ts), created in the transaction that
 * makes the contribution `refund_due`; unique per contribution, so that a retry never makes two.
 * `reason` is a catalogue word (`refund.reason.<x>`), `detail` the provider's type/code (never a secret).
 */
@Entity('refund')
@Index('refund_contribution_key', ['contributionId'], { unique: true })
@Index('refund_tenant_programme_state_idx', ['tenantId', 'programmeId', 'state'])
@Index('refund_due_idx', ['nextAttemptAt'], { where: `state <> 'confirmed' AND next_attempt_at IS NOT NULL` })
@Check('refund_state', `state IN ('requested', 'failed', 'confirmed')`)
@Check('refund_cause', `cause IN ('settlement', 'amount_mismatch', 'late_payment', 'staff')`)
@Check('refund_attempts', 'attempts >= 0 AND round >= 0')
export class Refund {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @Column('uuid') programmeId: string;
  @Column('uuid') campaignId: string;
  @Column('uuid') contributionId: string;
  @ManyToOne(() => Contribution, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'contribution_id', foreignKeyConstraintName: 'refund_contribution_fk' })
  private contributionRef?: Contribution;
  /** The contribution's provider when the refund was requested. */
  @Column('text') provider: string;
  @Column('text', { default: 'requested' }) state: RefundState;
  @Column('text') cause: RefundCause;
  /** What staff wrote when they asked for it (cause `staff`), or marked it made by hand. */
  @Column('text', { default: '' }) note: string;
  @Column('text', { nullable: true }) reason: string | null;
  @Column('text', { nullable: true }) detail: string | null;
  /** Times the provider was asked. */
  @Column('int', { default: 0 }) attempts: number;
  /** Refunds the provider took then reported failed: each new round asks with a new idempotency key. */
  @Column('int', { default: 0 }) round: number;
  /** When to ask the provider next; null: nothing to ask (awaiting its confirmation, by hand, or done). */
  @Column('timestamptz', { nullable: true }) nextAttemptAt: Date | null;
  /** When the provider accepted the ask (awaiting its confirmation). */
  @Column('timestamptz', { nullable: true }) askedAt: Date | null;
  /** The provider's refund id (Stripe `re_…`), when it gives one. */
  @Column('text', { nullable: true }) providerRef: string | null;
  @Column('timestamptz', { nullable: true }) confirmedAt: Date | null;
  /** Staff who asked for it, or marked it made by hand. */
  @Column('uuid', { nullable: true }) requestedByUserId: string | null;
  @Column('uuid', { nullable: true }) confirmedByUserId: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
