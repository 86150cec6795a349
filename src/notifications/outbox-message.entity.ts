import { JoinColumn, ManyToOne, Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Tenant } from '../tenants/tenant.entity.js';

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

/**
 * An e-mail to send, written in the transaction of the change that causes it. The worker claims rows
 * with FOR UPDATE SKIP LOCKED and a lease, so two instances never send the same row at once.
 */
@Entity('outbox_message')
@Index('outbox_message_dedupe_key', ['dedupeKey'], { unique: true, where: 'dedupe_key IS NOT NULL' })
@Index('outbox_message_due_idx', ['nextAttemptAt'], { where: `status IN ('pending', 'sending')` })
@Index('outbox_message_tenant_created_idx', ['tenantId', 'createdAt'])
@Check('outbox_message_status', `status IN ('pending', 'sending', 'sent', 'failed')`)
@Check('outbox_message_locale', `locale IN ('fr', 'en')`)
export class OutboxMessage {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') tenantId: string;
  @ManyToOne(() => Tenant, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tenant_id', foreignKeyConstraintName: 'outbox_message_tenant_fk' })
  private tenantRef?: Tenant;
  @Column('text') template: string;
  @Column('text') locale: 'fr' | 'en';
  @Column('text') toAddress: string;
  @Column('text', { nullable: true }) toName: string | null;
  @Column('jsonb', { default: {} }) payload: Record<string, unknown>;
  /** Business key of the e-mail (e.g. "phase:<programme>:<phase>:<user>"): the same e-mail is never queued twice. */
  @Column('text', { nullable: true }) dedupeKey: string | null;
  @Column('text', { default: 'pending' }) status: OutboxStatus;
  @Column('int', { default: 0 }) attempts: number;
  @Column('timestamptz') nextAttemptAt: Date;
  @Column('text', { nullable: true }) lastError: string | null;
  @Column('timestamptz', { nullable: true }) sentAt: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
}
